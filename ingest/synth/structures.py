"""Hidden risk structures: shell clusters, dishonest debtors who keep founding firms, phoenix firms.

These are the mechanisms that make risk *relational*: members share a controller, an address, a
phone or a person, so punishment of one member predicts punishment of the others. Each structure
raises the latent hazard of its members (read by risk.py) and some plant 'forced' punishments
(the debtor's own listing, the phoenix's old firm's penalties) at fixed days.
"""

from __future__ import annotations

import datetime as dt

from .codes import make_landline, make_mobile
from .lexicon import INDUSTRIES
from .places import office_street
from .registry import FirmFactory, split_shares
from .world import to_day

_IND = {x.name: i for i, x in enumerate(INDUSTRIES)}
_SHELL_INDUSTRIES = ("批发和零售业", "商务服务业", "软件和信息技术服务业", "道路运输业")
_PHOENIX_INDUSTRIES = ("餐饮业", "食品制造业", "建筑业", "金属制品业", "非金属矿物制品业", "纺织服装、服饰业",
                       "化学原料和化学制品制造业", "道路运输业")


def shell_cluster(ff: FirmFactory) -> list[int]:
    """A controller, a holding company and 3-8 shells at one office address with one phone."""
    w, rnd, pf = ff.w, ff.rnd, ff.pf
    dist = ff.district()
    d = w.districts[dist]
    burst = rnd.randint(to_day(dt.date(2014, 1, 1)), w.end - 900)
    ctrl = pf.new(dist, burst - 30 * 365, theta=rnd.lognormvariate(1.6, 0.3))
    town = rnd.choice(d.towns)
    street = office_street(town, rnd)
    phone = w.p_phone[ctrl] or make_mobile(rnd) if rnd.random() < 0.5 else make_landline(d.area_code,
        d.landline_digits, rnd)
    holding = ff.new_firm("enterprise", dist, _IND["商务服务业"], burst - rnd.randint(100, 900), ctrl,
                          town=town, street=street, phone=phone, tag="shell", hazard=3.0)
    st = ff.start(w.f_founded[holding])
    w.affiliate("person", ctrl, holding, "legal_rep", None, st)
    rel = pf.relative(ctrl, burst - 22 * 365, spouse=True)
    for h, share in ((ctrl, 80.0), (rel, 20.0)):
        w.affiliate("person", h, holding, "shareholder", share, st)
    nominees = [pf.new(dist, burst - 20 * 365, outsider=0.4, theta=rnd.lognormvariate(0.5, 0.4))
                for _ in range(rnd.randint(1, 3))]
    members = [holding]
    for _ in range(rnd.randint(3, 8)):
        founded = min(w.end, burst + rnd.randint(0, 540))
        r = rnd.random()
        if r < 0.5:
            legal = nominees[rnd.randrange(len(nominees))]
        elif r < 0.75:
            legal = pf.relative(ctrl, founded - 20 * 365)
        else:
            legal = pf.new(dist, founded - 20 * 365, outsider=0.5, theta=rnd.lognormvariate(0.3, 0.4))
        ind = _IND[rnd.choice(_SHELL_INDUSTRIES)]
        f = ff.new_firm("enterprise", dist, ind, founded, legal, town=town, street=street,
                        phone=phone if rnd.random() < 0.8 else None, tag="shell", hazard=4.0)
        st = ff.start(founded)
        w.affiliate("person", legal, f, "legal_rep", None, st)
        if rnd.random() < 0.5:
            w.affiliate("firm", holding, f, "shareholder", 100.0, st)
        else:
            a, b = split_shares(2, rnd)
            w.affiliate("person", ctrl, f, "shareholder", a, st)
            w.affiliate("person", legal, f, "shareholder", b, st)
        w.affiliate("person", rel if rnd.random() < 0.6 else ctrl, f, "supervisor", None, st)
        members.append(f)
    return members


def dishonest_debtor(ff: FirmFactory) -> list[int]:
    """A person listed as a dishonest debtor who keeps founding firms, often through a spouse."""
    w, rnd, pf = ff.w, ff.rnd, ff.pf
    dist = ff.district()
    t0 = rnd.randint(w.start + 180, w.end - 400)
    debtor = pf.new(dist, t0 - 30 * 365, theta=rnd.lognormvariate(1.4, 0.3))
    spouse = pf.relative(debtor, t0 - 25 * 365, spouse=True)
    firms = []
    for i in range(rnd.randint(1, 2) + rnd.randint(1, 3)):
        early = i < 1 or rnd.random() < 0.3
        founded = rnd.randint(t0 - 10 * 365, t0 - 200) if early else min(w.end, t0 + rnd.randint(30, 900))
        legal = debtor if early or rnd.random() < 0.4 else spouse
        kind = "enterprise" if rnd.random() < 0.7 else "individual_business"
        ind = ff.industry(kind)
        f = ff.new_firm(kind, dist, ind, founded, legal, tag="debtor", hazard=3.0)
        st = ff.start(founded)
        if kind == "individual_business":
            w.affiliate("person", legal, f, "operator", None, st)
        else:
            w.affiliate("person", legal, f, "legal_rep", None, st)
            holders = [debtor] if legal == debtor else [spouse, debtor]
            for h, s in zip(holders, split_shares(len(holders), rnd), strict=True):
                w.affiliate("person", h, f, "shareholder", s, st)
        firms.append(f)
        if early and founded + 60 < t0:
            w.punishments.append(("firm", f, "dishonest_debtor", rnd.randint(max(founded + 30, t0 - 700),
                t0 - 20)))
    w.punishments.append(("person", debtor, "dishonest_debtor", t0))
    return firms


def phoenix(ff: FirmFactory) -> list[int]:
    """A punished firm cancelled and re-registered at the same address by the same family."""
    w, rnd, pf = ff.w, ff.rnd, ff.pf
    dist = ff.district()
    closed = rnd.randint(w.start + 200, w.end - 240)
    founded = rnd.randint(closed - 9 * 365, closed - 500)
    ind = _IND[rnd.choice(_PHOENIX_INDUSTRIES)]
    kind = "enterprise" if rnd.random() < 0.75 else "individual_business"
    owner = pf.new(dist, founded - 25 * 365, theta=rnd.lognormvariate(1.2, 0.3))
    old = ff.new_firm(kind, dist, ind, founded, owner, tag="phoenix_old", hazard=3.0)
    role = "legal_rep" if kind == "enterprise" else "operator"
    w.affiliate("person", owner, old, role, None, ff.start(founded))
    if kind == "enterprise":
        w.affiliate("person", owner, old, "shareholder", 100.0, ff.start(founded))
    w.f_closed[old] = closed
    w.f_status[old] = "cancelled" if rnd.random() < 0.7 else "revoked"
    for _ in range(rnd.randint(1, 3)):
        w.punishments.append(("firm", old, rnd.choice(("admin_penalty", "admin_penalty", "abnormal_operation",
                                                       "dishonest_debtor")),
                              rnd.randint(max(w.start, closed - 700), closed - 15)))
    reborn = min(w.end, closed + rnd.randint(10, 200))
    r = rnd.random()
    legal = owner if r < 0.35 else pf.relative(owner, reborn - 20 * 365, spouse=r < 0.6)
    new = ff.new_firm(kind, dist, ind, reborn, legal, town=w.f_town[old], street=w.f_street[old],
                      phone=w.f_phone[old] if rnd.random() < 0.7 else None,
                      zihao=w.f_zihao[old] if rnd.random() < 0.6 else None, tag="phoenix_new", hazard=2.5)
    w.affiliate("person", legal, new, role, None, ff.start(reborn))
    if kind == "enterprise":
        holders = [legal] if legal == owner or rnd.random() < 0.4 else [legal, owner]
        for h, s in zip(holders, split_shares(len(holders), rnd), strict=True):
            w.affiliate("person", h, new, "shareholder", s, ff.start(reborn))
    if rnd.random() < 0.3:
        w.f_other[new].append(w.f_spoken[old])  # people keep using the old trade name
    return [old, new]
