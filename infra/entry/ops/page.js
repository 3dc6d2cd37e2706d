// The /ops page: signs in with an ops or operator credential (kept in this tab's sessionStorage),
// polls GET /v1/ops/overview every 2 s, keeps the last 5 minutes of samples for the charts, and
// sends the operator's actions (retry / skip a parked event, rebuild a projection).
'use strict';

const REFRESH_MS = 2000;
const POINTS_MAX = 150;
const KEY = 'mpac-ops-credential';
const $ = (id) => document.getElementById(id);

const history = { time: [], series: new Map() };
const charts = new Map();
let role = null;
let timer = null;

function credential() {
  return sessionStorage.getItem(KEY);
}

/** A staff credential (`stf_…`) travels as a bearer token; anything else is the bootstrap operator secret. */
function authHeaders() {
  const value = credential() ?? '';
  return value.startsWith('stf_') ? { authorization: `Bearer ${value}` } : { 'x-operator-secret': value };
}

async function api(method, path) {
  const response = await fetch(path, { method, headers: authHeaders(), cache: 'no-store' });
  const body = response.headers.get('content-type')?.includes('json') ? await response.json() : null;
  if (!response.ok) {
    const error = new Error(body?.detail ?? `${response.status} ${response.statusText}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

function cell(row, text, field) {
  const td = document.createElement('td');
  td.textContent = text === null || text === undefined ? '–' : String(text);
  if (field) td.dataset.field = field;
  row.appendChild(td);
  return td;
}

function stateBadge(row, state) {
  const td = cell(row, '', 'state');
  const span = document.createElement('span');
  span.className = `state ${state}`;
  span.textContent = state;
  td.appendChild(span);
}

function actionButton(td, label, onClick) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = label;
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await onClick();
      $('error').textContent = '';
    } catch (error) {
      $('error').textContent = `${label} failed: ${error.message}`;
    }
    await refresh();
  });
  td.appendChild(button);
}

/** One row per subscriber: each projection's serving generation, then the relay. */
function subscribers(overview) {
  const rows = overview.projections.map((p) => ({
    name: p.name,
    kind: p.rebuild ? `projection (rebuilding g${p.rebuild.generation})` : 'projection',
    state: p.state,
    behind: p.serving?.events_behind ?? 0,
    seconds: p.serving?.seconds_behind ?? 0,
    rate: p.serving?.events_per_second ?? 0,
    lag: p.lag_ms,
    parked: p.parked_events.length,
    projection: true,
  }));
  const r = overview.relay;
  rows.push({
    name: r.name,
    kind: `relay → ${r.topic}`,
    state: r.state,
    behind: r.backlogEvents,
    seconds: r.secondsBehind,
    rate: r.eventsPerSecond,
    lag: null,
    parked: null,
    projection: false,
  });
  return rows;
}

function renderSubscribers(rows) {
  const body = $('subscribers');
  body.replaceChildren();
  for (const s of rows) {
    const tr = document.createElement('tr');
    tr.dataset.subscriber = s.name;
    cell(tr, s.name, 'name');
    cell(tr, s.kind, 'kind');
    stateBadge(tr, s.state);
    cell(tr, s.behind, 'events_behind');
    cell(tr, s.seconds, 'seconds_behind');
    cell(tr, s.rate, 'events_per_second');
    cell(tr, s.lag ? `${s.lag.p50} / ${s.lag.p99}` : null, 'lag');
    cell(tr, s.parked, 'parked');
    const actions = cell(tr, '', 'actions');
    if (s.projection && role === 'operator') actionButton(actions, 'Rebuild', () => api('POST', `/v1/ops/projections/${s.name}/rebuild`));
    body.appendChild(tr);
  }
}

function renderParked(overview) {
  const body = $('parked');
  body.replaceChildren();
  let count = 0;
  for (const p of overview.projections) {
    for (const e of p.parked_events) {
      count += 1;
      const tr = document.createElement('tr');
      tr.dataset.parked = e.event_id;
      [p.name, e.generation, e.event_id, e.event_type, e.stream_name, e.error, e.attempts, e.parked_at].forEach((v) => cell(tr, v));
      const actions = cell(tr, '');
      if (role === 'operator') {
        actionButton(actions, 'Retry', () => api('POST', `/v1/ops/projections/${p.name}/parked/retry`));
        actionButton(actions, 'Skip', () => api('POST', `/v1/ops/projections/${p.name}/parked/${e.event_id}/skip`));
      }
      body.appendChild(tr);
    }
  }
  $('parked-none').hidden = count > 0;
}

function renderHorizon(horizon) {
  const held = horizon !== null && horizon.hidden_events > 0;
  $('horizon').hidden = !held;
  if (!held) return;
  $('horizon-summary').textContent =
    `${horizon.hidden_events} committed events are invisible to every log reader: an older transaction is still open (horizon ${horizon.horizon}). End it with SELECT pg_terminate_backend(pid).`;
  const body = $('holders');
  body.replaceChildren();
  for (const h of horizon.held_back_by) {
    const tr = document.createElement('tr');
    tr.dataset.pid = h.pid;
    [h.pid, h.holds_horizon ? 'yes' : '', h.database, h.application_name, h.state, h.transaction_age_seconds, h.query_started_at, h.query].forEach((v) => cell(tr, v));
    body.appendChild(tr);
  }
}

function renderStuck(stuck) {
  const body = $('stuck');
  body.replaceChildren();
  $('stuck-threshold').textContent = stuck ? stuck.threshold_seconds : '–';
  const groups = stuck ? stuck.groups : [];
  for (const g of groups) {
    const tr = document.createElement('tr');
    [g.provider ?? '(none)', g.store_id, g.count, g.oldest_seconds, g.payments.map((p) => `${p.payment_intent_id} (${p.attempt_id ?? '–'})`).join(', ')].forEach((v) =>
      cell(tr, v),
    );
    body.appendChild(tr);
  }
  $('stuck-none').hidden = groups.length > 0;
}

function renderRequests(requests) {
  $('window').textContent = requests.window_seconds;
  $('requests-rate').textContent = requests.requests_per_second;
  $('latency-p50').textContent = requests.latency_ms?.p50 ?? '–';
  $('latency-p99').textContent = requests.latency_ms?.p99 ?? '–';
  $('error-rate').textContent = (requests.server_error_rate * 100).toFixed(2);
  $('client-error-rate').textContent = (requests.client_error_rate * 100).toFixed(2);
}

/** Appends one sample per series; a series missing from a sample gets null. */
function record(samples) {
  history.time.push(Date.now() / 1000);
  for (const [key, value] of Object.entries(samples)) {
    if (!history.series.has(key))
      history.series.set(
        key,
        history.time.slice(0, -1).map(() => null),
      );
    history.series.get(key).push(value);
  }
  for (const [key, values] of history.series) if (values.length < history.time.length) values.push(samples[key] ?? null);
  if (history.time.length > POINTS_MAX) {
    history.time.shift();
    for (const values of history.series.values()) values.shift();
  }
}

const COLORS = ['#2563eb', '#d97706', '#059669', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569'];

function drawChart(id, prefix) {
  const keys = [...history.series.keys()].filter((key) => key.startsWith(prefix)).sort();
  const data = [history.time, ...keys.map((key) => history.series.get(key))];
  const signature = keys.join('|');
  const existing = charts.get(id);
  if (existing && existing.signature === signature) {
    existing.plot.setData(data);
    return;
  }
  existing?.plot.destroy();
  const target = $(id);
  const options = {
    width: Math.max(320, target.clientWidth || 360),
    height: 140,
    legend: { show: true },
    scales: { x: { time: true } },
    series: [{}, ...keys.map((key, index) => ({ label: key.slice(prefix.length), stroke: COLORS[index % COLORS.length], width: 1.5, spanGaps: true }))],
    axes: [{ size: 28 }, { size: 64 }],
  };
  charts.set(id, { signature, plot: new uPlot(options, data, target) });
}

function chart(overview, rows) {
  const samples = {};
  for (const s of rows) {
    samples[`behind:${s.name}`] = s.behind;
    samples[`seconds:${s.name}`] = s.seconds;
    samples[`rate:${s.name}`] = s.rate;
    if (s.lag) {
      samples[`lag:${s.name} p50`] = s.lag.p50;
      samples[`lag:${s.name} p99`] = s.lag.p99;
    }
  }
  samples['requests:req/s'] = overview.requests.requests_per_second;
  samples['requests:5xx %'] = overview.requests.server_error_rate * 100;
  samples['latency:p50'] = overview.requests.latency_ms?.p50 ?? null;
  samples['latency:p99'] = overview.requests.latency_ms?.p99 ?? null;
  record(samples);
  drawChart('chart-behind', 'behind:');
  drawChart('chart-seconds', 'seconds:');
  drawChart('chart-rate', 'rate:');
  drawChart('chart-lag', 'lag:');
  drawChart('chart-requests', 'requests:');
  drawChart('chart-latency', 'latency:');
}

async function refresh() {
  if (credential() === null) return;
  try {
    const overview = await api('GET', '/v1/ops/overview');
    role = overview.role;
    $('role').textContent = `role: ${role}`;
    const rows = subscribers(overview);
    renderSubscribers(rows);
    renderParked(overview);
    renderHorizon(overview.log_horizon);
    renderStuck(overview.stuck_payments);
    renderRequests(overview.requests);
    chart(overview, rows);
    $('refreshed').textContent = `refreshed ${new Date(overview.generated_at).toLocaleTimeString()}`;
    $('refreshed').dataset.at = overview.generated_at;
  } catch (error) {
    if (error.status === 401 || error.status === 403) return signOut('the credential was refused');
    $('error').textContent = `refresh failed: ${error.message}`;
  }
}

function show(signedIn) {
  $('login').hidden = signedIn;
  $('dashboard').hidden = !signedIn;
  $('sign-out').hidden = !signedIn;
}

function signOut(reason) {
  sessionStorage.removeItem(KEY);
  clearInterval(timer);
  timer = null;
  show(false);
  $('login-error').textContent = reason ?? '';
  $('refreshed').textContent = 'not signed in';
}

function start() {
  show(true);
  void refresh();
  timer ??= setInterval(() => void refresh(), REFRESH_MS);
}

$('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY, $('credential').value);
  $('credential').value = '';
  start();
});
$('sign-out').addEventListener('click', () => signOut());
if (credential() !== null) start();
