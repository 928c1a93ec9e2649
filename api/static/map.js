// The regional e-map of the investigator page: Zhejiang's county-level divisions (vendored
// boundaries, feature id = division code) coloured by the share of scored firms at high risk, or,
// where nothing is scored yet, by the share of firms with an active grounded punitive record.
// Data from GET /map/regions; a click fetches /map/regions/{code} (riskiest firms, open tasks).
(function () {
  'use strict';
  var started = false;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function pct(x) { return x === null || x === undefined ? '—' : (x * 100).toFixed(1) + '%'; }

  function trendChart(box, years, series, title) {
    var chart = echarts.getInstanceByDom(box) || echarts.init(box);
    chart.setOption({
      title: { text: title, textStyle: { fontSize: 12 } },
      grid: { left: 50, right: 20, top: 30, bottom: 25 },
      tooltip: { trigger: 'axis', valueFormatter: function (v) { return pct(v); } },
      xAxis: { type: 'category', data: years },
      yAxis: { type: 'value', axisLabel: { formatter: function (v) { return (v * 100).toFixed(0) + '%'; } } },
      series: [{ type: 'line', data: series, smooth: false }]
    }, true);
  }

  function showDetail(code, name, asOf) {
    var box = document.getElementById('region-detail');
    fetch('/map/regions/' + encodeURIComponent(code) + '?as_of=' + asOf, { credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        box.replaceChildren();
        box.appendChild(el('h3', name + ' (' + code + ')'));
        box.appendChild(el('h3', 'Riskiest firms'));
        var ol = el('ol'); ol.id = 'region-subjects';
        (d.subjects || []).forEach(function (s) {
          var li = el('li');
          var a = el('a', s.name); a.href = '/ui/investigate?id=' + encodeURIComponent(s.id);
          li.appendChild(a);
          li.appendChild(el('span', ' ' + (s.risk_score === null ? 'unscored' : s.risk_score.toFixed(2)), 'muted'));
          if (s.listed) li.appendChild(el('span', ' listed', 'tag grounded'));
          ol.appendChild(li);
        });
        box.appendChild(ol);
        box.appendChild(el('h3', 'Open punishment tasks (' + (d.tasks || []).length + ')'));
        var ul = el('ul'); ul.id = 'region-tasks';
        (d.tasks || []).forEach(function (t) {
          ul.appendChild(el('li', t.deadline + ' · ' + t.status + ' · ' + t.department_name + ' · ' + t.target_name + ' · ' + t.document_no));
        });
        box.appendChild(ul);
      });
  }

  function start() {
    var box = document.getElementById('region-map');
    if (!box || started || typeof echarts === 'undefined') return;
    started = true;
    var asOf = box.dataset.asOf;
    Promise.all([
      fetch('/static/zhejiang-counties.json').then(function (r) { return r.json(); }),
      fetch('/map/regions?as_of=' + asOf, { credentials: 'same-origin' }).then(function (r) { return r.json(); })
    ]).then(function (got) {
      var geo = got[0], data = got[1], names = {};
      geo.features.forEach(function (f) { f.properties.code = f.id; names[f.id] = f.properties.name; });
      echarts.registerMap('zhejiang', geo);
      var regions = data.regions || [];
      var scored = regions.some(function (r) { return r.scored > 0; });
      var metric = scored ? 'high_share' : 'listed_share';
      var byCode = {};
      regions.forEach(function (r) { byCode[r.code] = r; });
      var values = regions.map(function (r) { return { name: r.code, value: r[metric] === null ? 0 : r[metric] }; });
      var max = Math.max.apply(null, values.map(function (v) { return v.value; }).concat([0.01]));
      var chart = echarts.init(box);
      chart.setOption({
        tooltip: {
          formatter: function (p) {
            var r = byCode[p.name];
            var head = (names[p.name] || p.name) + ' ' + p.name;
            if (!r) return head + '<br>no firms';
            return head + '<br>firms ' + r.firms + ' · high risk ' + pct(r.high_share) +
              '<br>listed ' + pct(r.listed_share) + ' · open tasks ' + r.open_tasks;
          }
        },
        visualMap: {
          min: 0, max: max, calculable: true, left: 10, bottom: 10,
          text: [scored ? 'high-risk share' : 'listed share', ''],
          inRange: { color: ['#e6fcf5', '#ffe066', '#f76707', '#c92a2a'] },
          formatter: function (v) { return (v * 100).toFixed(0) + '%'; }
        },
        series: [{
          type: 'map', map: 'zhejiang', nameProperty: 'code', roam: true, data: values,
          label: { show: false }, emphasis: { label: { show: true, formatter: function (p) { return names[p.name] || p.name; } } }
        }]
      });
      box.dataset.ready = String(regions.length);
      chart.on('click', function (p) {
        showDetail(p.name, names[p.name] || p.name, asOf);
        var r = byCode[p.name];
        if (r) trendChart(document.getElementById('region-trend'), data.years, r.trend, (names[p.name] || p.name) + ' listed share');
      });
      var total = regions.reduce(function (s, r) { return s + r.firms; }, 0);
      var province = (data.years || []).map(function (_, i) {
        var n = regions.reduce(function (s, r) { return s + (r.trend[i] === null ? 0 : r.trend[i] * r.firms); }, 0);
        return total ? n / total : null;
      });
      trendChart(document.getElementById('region-trend'), data.years, province, 'Zhejiang: share of firms with an active grounded punitive record');
      window.credgraphMap = chart;
    });
  }

  document.addEventListener('DOMContentLoaded', start);
  document.addEventListener('htmx:afterSettle', start);
})();
