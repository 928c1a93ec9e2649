// The credit-tier panel of the investigator page: a bar chart of the A-D mix (vendored ECharts),
// drawn from the counts the server rendered into #tier-chart's data-counts.
(function () {
  'use strict';
  var COLOURS = { A: '#2f9e44', B: '#74b816', C: '#f59f00', D: '#d9480f' };

  function draw() {
    var box = document.getElementById('tier-chart');
    if (!box || box.dataset.ready || typeof echarts === 'undefined') return;
    var counts = JSON.parse(box.dataset.counts || '[]');
    var chart = echarts.init(box);
    chart.setOption({
      grid: { left: 45, right: 10, top: 10, bottom: 25 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: counts.map(function (c) { return c.tier; }) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{
        type: 'bar', name: 'subjects',
        data: counts.map(function (c) { return { value: c.count, itemStyle: { color: COLOURS[c.tier] } }; })
      }]
    });
    box.dataset.ready = String(counts.reduce(function (s, c) { return s + c.count; }, 0));
    window.credgraphTiers = chart;
  }

  document.addEventListener('DOMContentLoaded', draw);
  document.addEventListener('htmx:afterSettle', draw);
})();
