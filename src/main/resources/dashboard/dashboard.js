// The live dashboard: polls the REST API every 2 s and redraws; no page reload, no internet needed.
'use strict';
const REFRESH_MS = 2000;
const charts = {};
const selectedDevices = new Set();
let devicesKnown = '';

function chart(id) {
  if (!charts[id]) {
    charts[id] = echarts.init(document.getElementById(id));
    window.addEventListener('resize', () => charts[id].resize());
  }
  return charts[id];
}

async function api(path) {
  const response = await fetch('api/' + path, { headers: { Accept: 'application/json' } });
  if (!response.ok) {
    throw new Error(path + ': ' + response.status);
  }
  return response.json();
}

function text(id, value) {
  document.getElementById(id).textContent = value;
}

function table(id, header, rows) {
  const el = document.getElementById(id);
  const cell = (tag, value) => { const c = document.createElement(tag); c.textContent = value; return c; };
  el.replaceChildren();
  const head = document.createElement('tr');
  header.forEach(h => head.appendChild(cell('th', h)));
  el.appendChild(head);
  rows.forEach(row => {
    const tr = document.createElement('tr');
    row.forEach(value => tr.appendChild(cell('td', value === null || value === undefined ? '' : value)));
    el.appendChild(tr);
  });
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    const td = cell('td', 'none');
    td.colSpan = header.length;
    tr.appendChild(td);
    el.appendChild(tr);
  }
}

const time = iso => iso ? iso.replace('T', ' ').substring(0, 19) : '';
const isoMinutesAgo = minutes => new Date(Date.now() - minutes * 60000).toISOString().substring(0, 19);

function drawStatus(status) {
  text('kpi-readings', status.total);
  table('status-table', ['status', 'readings', '%'],
    status.statuses.map(s => [s.status, s.readings, s.sharePercent === null ? '' : s.sharePercent]));
  chart('chart-status').setOption({
    tooltip: { trigger: 'item' },
    series: [{ type: 'pie', radius: ['40%', '70%'], data: status.statuses.map(s => ({ name: s.status, value: s.readings })) }]
  });
}

function drawDevices(devices) {
  text('kpi-devices', devices.total);
  const names = devices.devices.map(d => d.customerId + '/' + d.deviceId);
  chart('chart-avg').setOption({
    tooltip: { trigger: 'axis' }, grid: { left: 40, right: 10, bottom: 70, top: 10 },
    xAxis: { type: 'category', data: names, axisLabel: { rotate: 60, fontSize: 9 } },
    yAxis: { type: 'value' },
    series: [{ type: 'bar', name: 'avg °C', data: devices.devices.map(d => Number(d.avgTemperatureC)) }]
  });
  // the first three devices are shown until the user picks others; the picker keeps the choice
  if (selectedDevices.size === 0) {
    names.slice(0, 3).forEach(name => selectedDevices.add(name));
  }
  if (names.join() !== devicesKnown) {
    devicesKnown = names.join();
    document.getElementById('device-select')
      .replaceChildren(...names.map(name => new Option(name, name, false, selectedDevices.has(name))));
  }
}

async function drawTemperatures() {
  const series = [];
  for (const name of selectedDevices) {
    const [customerId, deviceId] = name.split('/');
    const device = 'customerId=' + encodeURIComponent(customerId) + '&deviceId=' + encodeURIComponent(deviceId)
      + '&from=' + isoMinutesAgo(30);
    const [metrics, anomalies] = await Promise.all([api('metrics?' + device), api('anomalies?' + device)]);
    series.push({ type: 'line', name, showSymbol: false,
      data: metrics.windows.map(w => [w.windowStart + 'Z', Number(w.avgTemperatureC)]),
      // each anomaly of the device as a marker at its reading
      markPoint: { symbol: 'diamond', symbolSize: 12, label: { show: false },
        data: anomalies.anomalies.map(a => ({ name: a.detector, coord: [a.eventTime + 'Z', Number(a.observed)] })) } });
  }
  chart('chart-temperature').setOption({
    tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 40, right: 20, top: 30, bottom: 30 },
    xAxis: { type: 'time' }, yAxis: { type: 'value', scale: true }, series
  }, { replaceMerge: ['series'] });
}

function drawLate(late) {
  text('kpi-late', late.windows.reduce((sum, w) => sum + Number(w.lateReadings), 0));
  chart('chart-late').setOption({
    tooltip: { trigger: 'axis' }, grid: { left: 40, right: 10, top: 10, bottom: 30 },
    xAxis: { type: 'time' }, yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', name: 'late', data: late.windows.map(w => [w.windowStart + 'Z', Number(w.lateReadings)]) }]
  });
  table('late-table', ['customer', 'device', 'event time', 'stored at', 'status', 'temperature'],
    late.lateReadings.slice(0, 10).map(r => [r.customerId, r.deviceId, time(r.eventTime), time(r.ingestedAt),
      r.status, r.temperature + ' ' + r.measure]));
}

function drawIngest(ingest) {
  const minutes = ingest.minutes;
  text('kpi-rate', minutes.length ? minutes[minutes.length - 1].readingsPerSecond : 0);
  chart('chart-ingest').setOption({
    tooltip: { trigger: 'axis' }, grid: { left: 40, right: 10, top: 10, bottom: 30 },
    xAxis: { type: 'time' }, yAxis: { type: 'value' },
    series: [{ type: 'line', name: 'readings/s', showSymbol: false, areaStyle: {},
      data: minutes.map(m => [m.minute, Number(m.readingsPerSecond)]) }]
  });
}

function drawMissing(silent, gaps) {
  text('kpi-silent', silent.count);
  table('silent-table', ['customer', 'device', 'silent since', 'last status'],
    silent.devices.map(d => [d.customerId, d.deviceId, time(d.silentSince), d.lastStatus]));
  text('kpi-missing', gaps.streams.reduce((sum, s) => sum + Number(s.missingEvents), 0));
  table('gaps-table', ['customer', 'publisher', 'offsets', 'missing'],
    gaps.streams.map(s => [s.customerId, s.eventPublisher, s.firstOffset + '–' + s.lastOffset, s.missingEvents]));
}

function drawAnomalies(anomalies) {
  text('kpi-anomalies', anomalies.count);
  table('anomaly-table', ['detector', 'customer', 'device', 'event time', 'observed °C', 'normal range', 'score'],
    anomalies.anomalies.slice(0, 10).map(a => [a.detector, a.customerId, a.deviceId, time(a.eventTime),
      a.observed, a.expectedLow === null ? '' : Number(a.expectedLow).toFixed(1) + ' – ' + Number(a.expectedHigh).toFixed(1),
      Number(a.score).toFixed(1)]));
}

async function refresh() {
  try {
    const [status, devices, late, ingest, silent, gaps, anomalies] = await Promise.all([
      api('status'), api('devices'), api('late?from=' + isoMinutesAgo(60)), api('ingest'), api('silent'),
      api('gaps'), api('anomalies?from=' + isoMinutesAgo(60))]);
    drawAnomalies(anomalies);
    drawStatus(status);
    drawDevices(devices);
    drawLate(late);
    drawIngest(ingest);
    drawMissing(silent, gaps);
    await drawTemperatures();
    text('updated', 'updated ' + new Date().toLocaleTimeString());
    document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || 0) + 1);
  } catch (e) {
    text('updated', 'cannot reach the pipeline (' + e.message + '), retrying…');
  }
  setTimeout(refresh, REFRESH_MS);
}

document.getElementById('device-select').addEventListener('change', event => {
  selectedDevices.clear();
  [...event.target.selectedOptions].forEach(o => selectedDevices.add(o.value));
  drawTemperatures();
});

refresh();
