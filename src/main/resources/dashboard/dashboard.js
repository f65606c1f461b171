// The live dashboard: polls the REST API every 2 s and redraws; no page reload, no internet needed. It stays readable
// at any fleet size: the bar chart holds the hottest and coldest devices only, the fleet is a paged table, and a
// click on a device opens its own view.
'use strict';
const REFRESH_MS = 2000;
const EXTREMES = 10;          // bars: this many hottest and as many coldest devices
const PAGE_SIZE = 20;         // rows of the device table
const charts = {};
const view = { customer: '', search: '', cursors: [null], device: null, measurement: 'temperature' };
// The id rule of ingest and the API (io.iotpipeline.domain.Ids, openapi.yaml's Id): a device whose ids break it is
// never asked about, so one odd row cannot turn the whole page into "cannot reach the pipeline".
const ID_RULE = /^[A-Za-z0-9_.:-]{1,20}$/;
let customersKnown = '';

function chart(id) {
  if (!charts[id]) {
    charts[id] = echarts.init(document.getElementById(id));
    window.addEventListener('resize', () => charts[id].resize());
  }
  return charts[id];
}

async function api(path, parameters) {
  const query = Object.entries(parameters || {}).filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v)).join('&');
  const response = await fetch('api/' + path + (query ? '?' + query : ''), { headers: { Accept: 'application/json' } });
  if (!response.ok) {
    throw new Error(path + ': ' + response.status);
  }
  return response.json();
}

function text(id, value) {
  document.getElementById(id).textContent = value;
}

function table(id, header, rows, onClick) {
  const el = document.getElementById(id);
  const cell = (tag, value) => { const c = document.createElement(tag); c.textContent = value; return c; };
  el.replaceChildren();
  const head = document.createElement('tr');
  header.forEach(h => head.appendChild(cell('th', h)));
  el.appendChild(head);
  rows.forEach((row, index) => {
    const tr = document.createElement('tr');
    row.forEach(value => tr.appendChild(cell('td', value === null || value === undefined ? '' : value)));
    if (onClick) {
      tr.addEventListener('click', () => onClick(index));
    }
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
const key = d => d.customerId + '/' + d.deviceId;
// a reading sent in Fahrenheit has an exact Celsius value with many digits; one decimal is what was measured
const celsius = value => Number(value).toFixed(1);
const filters = () => ({ customerId: view.customer, search: view.search });
// time axes: labels that would overlap are left out rather than drawn over each other
const timeAxis = () => ({ type: 'time', axisLabel: { hideOverlap: true } });

function drawStatus(status) {
  text('kpi-readings', status.total);
  table('status-table', ['status', 'readings', '%'],
    status.statuses.map(s => [s.status, s.readings, s.sharePercent === null ? '' : s.sharePercent]));
  chart('chart-status').setOption({
    tooltip: { trigger: 'item' },
    series: [{ type: 'pie', radius: ['40%', '70%'], data: status.statuses.map(s => ({ name: s.status, value: s.readings })) }]
  });
}

function drawCustomers(customers) {
  const names = customers.customers.map(c => c.customerId);
  if (names.join() !== customersKnown) {
    customersKnown = names.join();
    const select = document.getElementById('customer-filter');
    select.replaceChildren(new Option('all customers (' + customers.total + ')', ''),
      ...customers.customers.map(c => new Option(c.customerId + ' · ' + c.devices + ' devices', c.customerId, false,
        c.customerId === view.customer)));
  }
}

function drawExtremes(hottest, coldest) {
  // the coldest devices of the filter, then the hottest, coldest first, in the API's exact order (the averages shown
  // are rounded); with few devices the two lists overlap and each bar shows once
  const byKey = new Map();
  [...coldest.devices, ...[...hottest.devices].reverse()].forEach(d => byKey.has(key(d)) || byKey.set(key(d), d));
  const devices = [...byKey.values()];
  text('avg-note', hottest.total > devices.length ? devices.length + ' of ' + hottest.total + ' devices' : '');
  chart('chart-avg').setOption({
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } }, grid: { left: 110, right: 30, bottom: 20, top: 10 },
    yAxis: { type: 'category', data: devices.map(key), axisLabel: { fontSize: 10, hideOverlap: true } },
    xAxis: { type: 'value', scale: true },
    series: [{ type: 'bar', name: 'avg °C', data: devices.map(d => Number(d.avgTemperatureC)),
      label: { show: devices.length <= 2 * EXTREMES, position: 'right', fontSize: 9 } }]
  });
  chart('chart-avg').off('click');
  chart('chart-avg').on('click', params => openDevice(devices[params.dataIndex]));
  return hottest.devices.slice(0, 3);
}

function drawDeviceTable(page) {
  const first = (view.cursors.length - 1) * PAGE_SIZE;
  text('page-label', page.total === 0 ? 'no devices' : 'devices ' + (first + 1) + '–' + (first + page.count) + ' of ' + page.total);
  document.getElementById('page-previous').disabled = view.cursors.length === 1;
  document.getElementById('page-next').disabled = !page.nextCursor;
  document.getElementById('page-next').dataset.cursor = page.nextCursor || '';
  table('device-table', ['customer', 'device', 'state', 'last status', 'last temperature', 'avg °C', 'readings', 'last seen'],
    page.devices.map(d => [d.customerId, d.deviceId, d.state, d.lastStatus, d.lastTemperature + ' ' + d.lastMeasure,
      d.avgTemperatureC, d.readings, time(d.lastSeen)]), index => openDevice(page.devices[index]));
  text('filter-summary', view.customer || view.search ? page.total + ' devices match' : '');
}

async function drawTemperatures(devices) {
  const series = [];
  for (const d of devices) {
    const device = { customerId: d.customerId, deviceId: d.deviceId, from: isoMinutesAgo(30) };
    const [metrics, anomalies] = await Promise.all([api('metrics', device), api('anomalies', device)]);
    series.push({ type: 'line', name: key(d), showSymbol: metrics.windows.length < 30,
      data: metrics.windows.map(w => [w.windowStart + 'Z', Number(w.avgTemperatureC)]),
      // each anomaly of the device as a marker at its reading
      markPoint: { symbol: 'diamond', symbolSize: 12, label: { show: false },
        data: anomalies.anomalies.filter(a => a.measurement === 'temperature')
          .map(a => ({ name: a.detector, coord: [a.eventTime + 'Z', Number(a.observed)] })) } });
  }
  chart('chart-temperature').setOption({
    tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 40, right: 20, top: 30, bottom: 30 },
    xAxis: timeAxis(), yAxis: { type: 'value', scale: true }, series
  }, { replaceMerge: ['series'] });
}

function drawLate(late) {
  text('kpi-late', late.windows.reduce((sum, w) => sum + Number(w.lateReadings), 0));
  chart('chart-late').setOption({
    tooltip: { trigger: 'axis' }, grid: { left: 40, right: 10, top: 10, bottom: 30 },
    xAxis: timeAxis(), yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', name: 'late', data: late.windows.map(w => [w.windowStart + 'Z', Number(w.lateReadings)]) }]
  });
  table('late-table', ['customer', 'device', 'event time', 'stored at', 'status', 'temperature'],
    late.lateReadings.slice(0, 10).map(r => [r.customerId, r.deviceId, time(r.eventTime), time(r.ingestedAt),
      r.status, r.temperature + ' ' + r.measure]));
}

function drawIngest(ingest) {
  // the minute still filling would read as a fall: rates come from complete minutes only
  const minutes = ingest.minutes.filter(m => m.complete);
  text('kpi-rate', minutes.length ? minutes[minutes.length - 1].readingsPerSecond : '–');
  chart('chart-ingest').setOption({
    tooltip: { trigger: 'axis' }, grid: { left: 40, right: 10, top: 10, bottom: 30 },
    xAxis: timeAxis(), yAxis: { type: 'value' },
    series: [{ type: 'line', name: 'readings/s', showSymbol: minutes.length < 30, areaStyle: {},
      data: minutes.map(m => [m.minute, Number(m.readingsPerSecond)]) }]
  });
}

function drawMissing(silentTotal, silent, gaps) {
  text('kpi-silent', silentTotal);
  table('silent-table', ['customer', 'device', 'silent since', 'last status'],
    silent.devices.slice(0, 10).map(d => [d.customerId, d.deviceId, time(d.silentSince), d.lastStatus]));
  text('kpi-missing', gaps.streams.reduce((sum, s) => sum + Number(s.missingEvents), 0));
  table('gaps-table', ['customer', 'publisher', 'offsets', 'missing'],
    gaps.streams.slice(0, 10).map(s => [s.customerId, s.eventPublisher, s.firstOffset + '–' + s.lastOffset, s.missingEvents]));
}

function anomalyRows(anomalies) {
  // each finding in its measurement's unit: a pressure spike is in hPa, not °C
  return anomalies.slice(0, 10).map(a => [a.detector + (a.measurement === 'temperature' ? '' : ' (' + a.measurement + ')'),
    a.customerId, a.deviceId, time(a.eventTime), a.observed + ' ' + (a.detector === 'error-burst' ? '' : a.unit),
    a.expectedLow === null ? '' : Number(a.expectedLow).toFixed(1) + ' – ' + Number(a.expectedHigh).toFixed(1),
    Number(a.score).toFixed(1)]);
}

function drawAnomalies(anomalies) {
  text('kpi-anomalies', anomalies.count);
  table('anomaly-table', ['detector', 'customer', 'device', 'event time', 'observed', 'normal range', 'score'],
    anomalyRows(anomalies.anomalies));
}

function openDevice(device) {
  if (!ID_RULE.test(device.customerId) || !ID_RULE.test(device.deviceId)) {
    return;
  }
  view.device = { customerId: device.customerId, deviceId: device.deviceId };
  document.getElementById('device-view').hidden = false;
  drawDevice().then(() => document.getElementById('device-view').scrollIntoView({ block: 'nearest' }));
}

async function drawDevice() {
  if (!view.device) {
    return;
  }
  const { customerId, deviceId } = view.device;
  const [detail, metrics, anomalies] = await Promise.all([
    api('devices/' + encodeURIComponent(deviceId), { customerId, limit: 10 }),
    api('metrics', { customerId, deviceId, from: isoMinutesAgo(60), measurement: view.measurement }),
    api('anomalies', { customerId, deviceId, from: isoMinutesAgo(24 * 60) })]);
  const totals = detail.customers[0];
  text('device-name', customerId + '/' + deviceId);
  const kpis = document.getElementById('device-kpis');
  kpis.replaceChildren(...[[totals.state, 'state'], [totals.lastStatus, 'last status'],
    [totals.lastTemperature + ' ' + totals.lastMeasure, 'last temperature'], [totals.avgTemperatureC, 'avg °C'],
    [celsius(totals.minTemperatureC) + ' – ' + celsius(totals.maxTemperatureC), 'range °C'], [totals.readings, 'readings'],
    [totals.errorCount, 'errors'], [totals.lateCount, 'late'], [time(totals.lastSeen), 'last seen']].map(([value, label]) => {
    const div = document.createElement('div');
    const span = document.createElement('span');
    span.textContent = value;
    const caption = document.createElement('label');
    caption.textContent = label;
    div.append(span, caption);
    return div;
  }));
  table('device-readings', ['event time', 'status', 'temperature', '°C', 'late', 'stored at'],
    detail.recentReadings.map(r => [time(r.eventTime), r.status, r.temperature + ' ' + r.measure, celsius(r.temperatureCelsius),
      r.late ? 'late' : '', time(r.ingestedAt)]));
  table('device-anomalies', ['detector', 'customer', 'device', 'event time', 'observed', 'normal range', 'score'],
    anomalyRows(anomalies.anomalies));
  table('device-states', ['since', 'state', 'before'],
    detail.stateChanges.map(c => [time(c.changedAt), c.state, c.previousState || 'first reading']));
  chart('chart-device').setOption({
    tooltip: { trigger: 'axis' }, grid: { left: 40, right: 20, top: 20, bottom: 30 }, legend: { top: 0 },
    xAxis: timeAxis(), yAxis: { type: 'value', scale: true },
    series: [
      { type: 'line', name: 'avg ' + unitOf(view.measurement), showSymbol: metrics.windows.length < 30,
        data: metrics.windows.map(w => [w.windowStart + 'Z', Number(w.avg)]) },
      { type: 'line', name: 'max', showSymbol: false, lineStyle: { type: 'dashed' },
        data: metrics.windows.map(w => [w.windowStart + 'Z', Number(w.max)]) },
      { type: 'line', name: 'min', showSymbol: false, lineStyle: { type: 'dashed' },
        data: metrics.windows.map(w => [w.windowStart + 'Z', Number(w.min)]) }]
  }, { replaceMerge: ['series'] });
}

let timer = null;
let refreshing = false;

/** Redraws now, or right after the refresh in flight: a filter or page change shows at once. */
function refreshNow() {
  if (refreshing) {
    refreshNow.again = true;
    return;
  }
  clearTimeout(timer);
  refresh();
}

async function refresh() {
  refreshing = true;
  try {
    const cursor = view.cursors[view.cursors.length - 1];
    const [status, customers, everyDevice, silentDevices, page, hottest, coldest, late, ingest, silent, gaps, anomalies] =
      await Promise.all([
        api('status'), api('customers'), api('devices', { limit: 1 }), api('devices', { state: 'SILENT', limit: 1 }),
        api('devices', { ...filters(), limit: PAGE_SIZE, cursor }),
        api('devices', { ...filters(), sort: '-avgTemperatureC', limit: EXTREMES }),
        api('devices', { ...filters(), sort: 'avgTemperatureC', limit: EXTREMES }),
        api('late', { from: isoMinutesAgo(60) }), api('ingest'), api('silent'), api('gaps'),
        api('anomalies', { from: isoMinutesAgo(60) })]);
    text('kpi-devices', everyDevice.total);
    drawAnomalies(anomalies);
    drawStatus(status);
    drawCustomers(customers);
    const threeHottest = drawExtremes(hottest, coldest);
    drawDeviceTable(page);
    drawLate(late);
    drawIngest(ingest);
    drawMissing(silentDevices.total, silent, gaps);
    await drawTemperatures(threeHottest);
    await drawDevice();
    text('updated', 'updated ' + new Date().toLocaleTimeString());
    document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || 0) + 1);
  } catch (e) {
    text('updated', 'cannot reach the pipeline (' + e.message + '), retrying…');
  }
  refreshing = false;
  if (refreshNow.again) {
    refreshNow.again = false;
    refresh();
  } else {
    timer = setTimeout(refresh, REFRESH_MS);
  }
}

function filtersChanged() {
  view.cursors = [null];
  refreshNow();
}

document.getElementById('customer-filter').addEventListener('change', event => {
  view.customer = event.target.value;
  filtersChanged();
});
let searchTimer;
document.getElementById('device-search').addEventListener('input', event => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => { view.search = event.target.value.trim(); filtersChanged(); }, 300);
});
document.getElementById('page-next').addEventListener('click', event => {
  if (event.target.dataset.cursor) {
    view.cursors.push(event.target.dataset.cursor);
    refreshNow();
  }
});
document.getElementById('page-previous').addEventListener('click', () => {
  if (view.cursors.length > 1) {
    view.cursors.pop();
    refreshNow();
  }
});
/** The measurements devices may send (GET /api/measurements), offered in the device view with their units. */
const units = { temperature: '°C' };
function unitOf(measurement) {
  return units[measurement] || '';
}
api('measurements').then(list => {
  const select = document.getElementById('device-measurement');
  select.replaceChildren(...list.measurements.map(m => {
    units[m.name] = m.unit;
    const option = document.createElement('option');
    option.value = m.name;
    option.textContent = m.name + ' (' + m.unit + ')';
    return option;
  }));
  select.value = view.measurement;
}).catch(() => {});
document.getElementById('device-measurement').addEventListener('change', event => {
  view.measurement = event.target.value;
  drawDevice();
});
document.getElementById('device-close').addEventListener('click', () => {
  view.device = null;
  document.getElementById('device-view').hidden = true;
});

refresh();
