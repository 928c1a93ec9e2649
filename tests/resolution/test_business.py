"""Business words in text against a firm's industry: learned from registered names, never listed."""

from __future__ import annotations

from resolution.business import FITS, MAY_FIT, NULL, OTHER, BusinessVocabulary


def _vocabulary() -> BusinessVocabulary:
    # ten different noodle shops, ten hardware shops, and cores ending in 食品 split 6 / 4
    cores = [f"{z}{z}面馆" for z in "甲乙丙丁戊己庚辛壬癸"]
    cores += [f"{z}{z}五金" for z in "子丑寅卯辰巳午未申酉"]
    cores += [f"{z}{z}食品" for z in "东南西北中上下左右前"]
    industries = ["餐饮业"] * 10 + ["批发和零售业"] * 10 + ["食品制造业"] * 6 + ["批发和零售业"] * 4
    return BusinessVocabulary.learn(cores, industries)


def test_words_and_their_industries_come_from_the_registry() -> None:
    vocab = _vocabulary()
    assert vocab.shares["面馆"] == {"餐饮业": 1.0}
    assert vocab.shares["食品"] == {"食品制造业": 0.6, "批发和零售业": 0.4}
    assert "照相馆" not in vocab.shares  # no registered name ends in it: nothing learned


def test_rare_words_and_places_are_left_out() -> None:
    cores = ["甲乙面馆", "丙丁面馆", "戊己面馆"] + [f"{z}{z}杜泽" for z in "子丑寅卯辰巳午未申酉"]
    vocab = BusinessVocabulary.learn(cores, ["餐饮业"] * 3 + ["农业"] * 10, places={"杜泽"})
    assert "面馆" not in vocab.shares  # three firms say too little
    assert "杜泽" not in vocab.shares  # a place says where, not what


def test_level_is_the_best_fit_of_any_business_word() -> None:
    vocab = _vocabulary()
    noodles = vocab.find("老街那家面馆隔壁的五金店油烟扰民")
    assert [w.word for w in noodles] == ["面馆", "五金"]
    assert vocab.level(noodles, "餐饮业") == FITS
    assert vocab.level(noodles, "批发和零售业") == FITS  # the text names both businesses
    assert vocab.level(noodles, "建筑业") == OTHER
    food = vocab.find("售卖过期食品")
    assert vocab.level(food, "批发和零售业") == MAY_FIT  # 40 % of 食品 names are shops
    assert vocab.level(food, None) == NULL
    assert vocab.level(vocab.find("噪音扰民"), "餐饮业") == NULL  # nothing to compare


def test_longest_word_wins_where_words_overlap() -> None:
    cores = [f"{z}{z}副食品" for z in "甲乙丙丁戊己庚辛壬癸"]
    cores += [f"{z}{z}食品" for z in "子丑寅卯辰巳午未申酉"]
    vocab = BusinessVocabulary.learn(cores, ["批发和零售业"] * 10 + ["食品制造业"] * 10)
    words = vocab.find("城南副食品店")
    assert [w.word for w in words] == ["副食品"]
    assert vocab.level(words, "批发和零售业") == FITS
