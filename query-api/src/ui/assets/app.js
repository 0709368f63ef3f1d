// Ariane timeline page: hash routes #/search?<filters>, #/requests/<id> and #/sessions/<id>
// (each a shareable URL), drawn from the query API's JSON with DOM nodes and textContent only
// (never innerHTML), so no value runs as code. Plain ES module, no dependency: the page must
// work with no internet access. Every control is a form field, a button or a link: the
// keyboard reaches all of them, and `/` jumps to the search.

const API = '/trace/v1';
const store = window.sessionStorage;
const $ = (id) => document.getElementById(id);

/** Creates an element with a class, text and attributes. */
function el(tag, className, text, attributes = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

function formatMs(ms) {
  if (ms === null || ms === undefined) return '–';
  return ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(1)} ms`;
}

function statusClass(status, outcome) {
  if (status >= 500) return 'bad';
  if (status >= 400) return 'warn';
  if (outcome === 'failure') return 'bad';
  if (status === null || status === undefined) return 'unknown';
  return 'ok';
}

class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `HTTP ${status}`);
    this.status = status;
    this.code = body && body.code;
  }
}

async function api(path) {
  const headers = { accept: 'application/json' };
  const token = store.getItem('ariane.token');
  const tenant = store.getItem('ariane.tenant');
  if (token) headers.authorization = `Bearer ${token}`;
  if (tenant) headers['x-tenant-id'] = tenant;
  const response = await fetch(`${API}${path}`, { headers });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

/** Left offset and width, in percent of the axis, of [start, end]; at least a sliver wide. */
export function barGeometry(start, end, origin, span) {
  const from = Math.min(start, end);
  const to = Math.max(start, end);
  const scale = span > 0 ? 100 / span : 0;
  const left = Math.min(99.5, Math.max(0, (from - origin) * scale));
  const width = Math.max(0.5, Math.min(100 - left, (to - from) * scale));
  return { left, width };
}

function hopLabel(hop) {
  if (hop.kind === 'gateway_leg') return `gateway leg ${hop.leg ?? '?'}`;
  if (hop.kind === 'gateway_access') return 'gateway';
  return 'service';
}

/** How sure the call tree is of a hop's caller, for links found from times only. */
const LINK_MARKS = {
  inferred: ['~', 'caller inferred from times'],
  ambiguous: ['?', 'caller uncertain: clocks disagree'],
  unresolved: ['?', 'no caller: its clock is off'],
};

function diagnosisTone(diagnosis) {
  if (diagnosis.origin !== null || diagnosis.kind === 'unknown') return 'bad';
  return diagnosis.kind === 'slow' ? 'warn' : 'ok';
}

/** The diagnosis as a banner: the sentence, then its origin and error. */
function diagnosisBox(diagnosis) {
  const box = el('section', `diagnosis ${diagnosisTone(diagnosis)}`, undefined, {
    'aria-label': 'Diagnosis',
  });
  box.append(el('strong', undefined, diagnosis.summary));
  const facts = [
    diagnosis.origin && `origin: ${diagnosis.origin}`,
    diagnosis.service && `service: ${diagnosis.service}`,
    diagnosis.reason && `reason: ${diagnosis.reason}`,
    diagnosis.error && diagnosis.error.message && `error: ${diagnosis.error.message}`,
  ].filter(Boolean);
  if (facts.length > 0) box.append(el('div', 'hint', facts.join(' · ')));
  return box;
}

function axis(spanMs) {
  const row = el('div', 'axis');
  row.append(el('span', 'label-cols'));
  const track = el('div', 'track');
  for (const fraction of [0, 0.25, 0.5, 0.75, 1]) {
    const tick = el('span', 'tick', formatMs(spanMs * fraction));
    tick.style.left = `${fraction * 100}%`;
    track.append(tick);
  }
  row.append(track);
  return row;
}

/** The waterfall of one request timeline: a row per hop on a shared time axis. */
function renderWaterfall(timeline) {
  const container = el('section', 'waterfall');
  const anomalousHops = new Map();
  for (const anomaly of timeline.anomalies)
    for (const index of anomaly.hops)
      anomalousHops.set(index, [...(anomalousHops.get(index) ?? []), anomaly.type]);
  const times = timeline.hops.flatMap((hop) => [Date.parse(hop.start), Date.parse(hop.end)]);
  const origin = Math.min(...times);
  const span = Math.max(...times) - origin;
  container.append(axis(span));
  const critical = new Set(timeline.timeBudget.criticalPath);
  // The call tree, depth first: each hop indented under the hop that called it.
  for (const index of timeline.callTree.order) {
    const hop = timeline.hops[index];
    const tone = statusClass(hop.status, hop.outcome);
    const anomalies = anomalousHops.get(index);
    const row = el(
      'div',
      `hop ${tone}${anomalies ? ' anomalous' : ''}${critical.has(index) ? ' critical' : ''}`,
      undefined,
      { 'data-hop': index, 'data-depth': hop.depth, 'data-link': hop.link },
    );
    const labels = el('span', 'label-cols');
    const tree = el('span', 'tree', undefined, {
      title: `${hopLabel(hop)} ${hop.service}${hop.path ? ` ${hop.path}` : ''}${hop.node ? ` (node ${hop.node})` : ''}\nown time ${formatMs(hop.selfMs)}`,
    });
    tree.style.paddingLeft = `${hop.depth * 1.1}rem`;
    tree.append(
      el('span', 'branch', hop.depth > 0 ? '└ ' : ''),
      el('span', 'kind', hopLabel(hop)),
      document.createTextNode(' '),
      el('span', 'service', hop.service),
    );
    const mark = LINK_MARKS[hop.link];
    if (mark) tree.append(el('span', 'link-mark', mark[0], { title: mark[1] }));
    labels.append(
      el('span', 'marker', anomalies ? '⚠' : '', anomalies ? { title: anomalies.join(', ') } : {}),
      tree,
      el('span', `status ${tone}`, hop.status ?? '–'),
      el('span', 'duration', formatMs(hop.durationMs)),
    );
    const track = el('div', 'track');
    const { left, width } = barGeometry(Date.parse(hop.start), Date.parse(hop.end), origin, span);
    const bar = el('div', `bar ${tone}`, undefined, {
      title: `start ${hop.start}\nend ${hop.end}\nraw ${hop.rawTimestamps.join(' | ')}`,
    });
    bar.style.left = `${left}%`;
    bar.style.width = `${width}%`;
    track.append(bar);
    row.append(labels, track);
    container.append(row);
  }
  if (timeline.hops.some((hop) => LINK_MARKS[hop.link]))
    container.append(
      el('p', 'hint', '~ caller inferred from times · ? caller uncertain: clocks disagree'),
    );
  if (timeline.anomalies.length > 0) {
    const list = el('ul', 'anomalies');
    for (const anomaly of timeline.anomalies) {
      const item = el('li', 'anomaly');
      item.append(
        el('strong', undefined, anomaly.type.replaceAll('_', ' ')),
        document.createTextNode(` ${anomaly.message}`),
      );
      list.append(item);
    }
    container.append(el('h3', undefined, 'Anomalies'), list);
  }
  if (timeline.summary.errors.length > 0) {
    const list = el('ul', 'errors');
    for (const error of timeline.summary.errors)
      list.append(
        el(
          'li',
          undefined,
          [error.service, error.status, error.code, error.message]
            .filter((part) => part !== null)
            .join(' · '),
        ),
      );
    container.append(el('h3', undefined, 'Errors'), list);
  }
  if (timeline.truncated)
    container.append(el('p', 'warn', 'This timeline is truncated: not every event is shown.'));
  return container;
}

function requestHeader(timeline) {
  const { summary } = timeline;
  const header = el('div', 'summary');
  const title = el('h2');
  title.append(
    document.createTextNode(`${summary.method ?? '?'} ${summary.path ?? '?'} `),
    el(
      'span',
      `status ${statusClass(summary.finalStatus, summary.outcome)}`,
      summary.finalStatus ?? '–',
    ),
  );
  const facts = el('dl');
  const fact = (name, value) => facts.append(el('dt', undefined, name), el('dd', undefined, value));
  const budget = timeline.timeBudget;
  fact('Request id', timeline.requestId);
  fact('Total', formatMs(summary.totalDurationMs));
  fact('In the gateway', formatMs(budget.gatewayMs));
  fact('Network to backends', formatMs(budget.networkMs));
  fact('In backends', formatMs(budget.backendMs));
  if (budget.baseline && budget.ratioToMedian !== null)
    fact(
      'Route usually',
      `p50 ${formatMs(budget.baseline.p50Ms)}, p95 ${formatMs(budget.baseline.p95Ms)}: this one ${budget.ratioToMedian}× the median`,
    );
  fact('Tenant', summary.correlation.tenant);
  if (summary.correlation.sessionIds.length > 0) {
    const dd = el('dd');
    for (const id of summary.correlation.sessionIds)
      dd.append(el('a', undefined, id, { href: `#/sessions/${encodeURIComponent(id)}` }), ' ');
    facts.append(el('dt', undefined, 'Session'), dd);
  }
  if (summary.correlation.clientIds.length > 0)
    fact('OAuth client', summary.correlation.clientIds.join(', '));
  if (summary.correlation.transactionIds.length > 0)
    fact('Axway correlation id', summary.correlation.transactionIds.join(', '));
  fact('Events', `${summary.eventCount} of ${summary.totalEvents}`);
  header.append(title, diagnosisBox(timeline.diagnosis), facts);
  return header;
}

async function showRequest(view, requestId) {
  const timeline = await api(`/requests/${encodeURIComponent(requestId)}`);
  view.replaceChildren(requestHeader(timeline), renderWaterfall(timeline));
}

async function showSession(view, applicationId) {
  const session = await api(`/sessions/${encodeURIComponent(applicationId)}?$limit=200`);
  const { summary } = session;
  const header = el('div', 'summary');
  header.append(el('h2', undefined, `Session ${session.applicationId}`));
  const facts = el('dl');
  const fact = (name, value) => facts.append(el('dt', undefined, name), el('dd', undefined, value));
  fact('Requests', summary.requests);
  fact('Failed', summary.failedRequests);
  fact(
    'Failures by origin (this page)',
    summary.failuresByOrigin
      .map(
        (entry) => `${entry.origin}${entry.service ? ` ${entry.service}` : ''}: ${entry.requests}`,
      )
      .join(' · ') || 'none',
  );
  fact('From', summary.start ?? '–');
  fact('To', summary.end ?? '–');
  fact('Span', formatMs(summary.spanMs));
  fact('Services', summary.services.join(', ') || '–');
  header.append(facts);
  const list = el('section', 'session');
  const requests = session.$results;
  const starts = requests.filter((r) => r.start).map((r) => Date.parse(r.start));
  const origin = Math.min(...starts);
  const span =
    Math.max(
      ...requests.filter((r) => r.start).map((r) => Date.parse(r.start) + (r.durationMs ?? 0)),
    ) - origin;
  for (const request of requests) {
    const tone = statusClass(request.status, request.errors > 0 ? 'failure' : 'success');
    const details = el(
      'details',
      `request ${tone}${request.anomalies.length > 0 ? ' anomalous' : ''}`,
      undefined,
      { 'data-request': request.requestId },
    );
    const line = el('summary');
    const labels = el('span', 'label-cols');
    labels.append(
      el('span', 'marker', request.anomalies.length > 0 ? '⚠' : '', {
        title: request.anomalies.join(', '),
      }),
      el('span', 'time', request.start ? request.start.slice(11, 23) : '–', {
        title: request.start ?? '',
      }),
      el('span', 'route', `${request.method ?? '?'} ${request.path ?? '?'}`),
      el('span', `status ${tone}`, request.status ?? '–'),
      el('span', 'duration', formatMs(request.durationMs)),
    );
    const track = el('div', 'track');
    if (request.start) {
      const start = Date.parse(request.start);
      const { left, width } = barGeometry(start, start + (request.durationMs ?? 0), origin, span);
      const bar = el('div', `bar ${tone}`, undefined, {
        title: `${request.requestId}\nstart ${request.start}`,
      });
      bar.style.left = `${left}%`;
      bar.style.width = `${width}%`;
      track.append(bar);
    }
    line.append(labels, track);
    details.append(line);
    if (request.diagnosis.kind !== 'ok')
      details.append(
        el('p', `request-diagnosis ${diagnosisTone(request.diagnosis)}`, request.diagnosis.summary),
      );
    details.addEventListener('toggle', () => {
      if (!details.open || details.dataset.loaded) return;
      details.dataset.loaded = 'true';
      const body = el('div', 'request-body', 'Loading…');
      details.append(body);
      api(`/requests/${encodeURIComponent(request.requestId)}`)
        .then((timeline) => {
          const open = el('a', undefined, 'Open this request', {
            href: `#/requests/${encodeURIComponent(request.requestId)}`,
          });
          body.replaceChildren(open, renderWaterfall(timeline));
        })
        .catch((error) => body.replaceChildren(errorBox(error)));
    });
    list.append(details);
  }
  const hits = session.$hits;
  list.append(
    el(
      'p',
      'hint',
      `Requests ${hits.size === 0 ? 0 : hits.offset + 1}–${hits.offset + hits.size} of ${hits.total}`,
    ),
  );
  view.replaceChildren(header, list);
}

/** The search form's fields, in the order of the query string they make. */
const SEARCH_FIELDS = [
  'from',
  'to',
  'clientId',
  'service',
  'statusClass',
  'method',
  'path',
  'minDurationMs',
  'q',
];
const TIME_FIELDS = new Set(['from', 'to']);

/** ISO 8601 to the value of a datetime-local field, in the browser's time zone. */
function toLocalInput(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 19);
}

/** The filled search fields as query parameters; times go out as ISO 8601 (UTC). */
function searchParamsOf(form) {
  const params = new URLSearchParams();
  for (const name of SEARCH_FIELDS) {
    const value = form.elements[name].value.trim();
    if (!value) continue;
    params.set(name, TIME_FIELDS.has(name) ? new Date(value).toISOString() : value);
  }
  return params;
}

function fillSearchForm(form, params) {
  for (const name of SEARCH_FIELDS) {
    const value = params.get(name) ?? '';
    form.elements[name].value = TIME_FIELDS.has(name) && value ? toLocalInput(value) : value;
  }
}

/** Requests matching the search, one row each, every row a link to its timeline. */
async function showSearch(view, params) {
  fillSearchForm($('search-form'), params);
  const query = new URLSearchParams(params);
  query.set('$limit', '100');
  const page = await api(`/requests?${query.toString()}`);
  const table = el('table', 'results');
  const head = el('tr');
  for (const name of ['Time', 'Request', 'Method', 'Path', 'Status', 'Duration', 'Diagnosis'])
    head.append(el('th', undefined, name, { scope: 'col' }));
  table.append(el('thead'), el('tbody'));
  table.tHead.append(head);
  for (const row of page.$results) {
    const tone = statusClass(row.status, row.diagnosis.origin ? 'failure' : 'success');
    const line = el('tr', `result ${diagnosisTone(row.diagnosis)}`, undefined, {
      'data-request': row.requestId,
    });
    const link = el('a', undefined, row.requestId, {
      href: `#/requests/${encodeURIComponent(row.requestId)}`,
    });
    const idCell = el('td');
    idCell.append(link);
    line.append(
      el('td', 'time', row.start ? row.start.replace('T', ' ').slice(0, 23) : '–', {
        title: row.start ?? '',
      }),
      idCell,
      el('td', undefined, row.method ?? '?'),
      el('td', undefined, row.path ?? '?'),
      el('td', `status ${tone}`, row.status ?? '–'),
      el('td', 'duration', formatMs(row.durationMs)),
      el('td', `diagnosis-line ${diagnosisTone(row.diagnosis)}`, row.diagnosis.summary),
    );
    table.tBodies[0].append(line);
  }
  const hits = page.$hits;
  const caption = el(
    'p',
    'hint',
    hits.size === 0
      ? 'No request matches.'
      : `Requests ${hits.offset + 1}–${hits.offset + hits.size} of ${hits.total}, most recent first`,
  );
  view.replaceChildren(el('h2', undefined, 'Requests'), caption, table);
  if (page.truncated)
    view.append(el('p', 'warn', 'Some rows are partial: the page had too many events.'));
}

function errorBox(error) {
  const box = el('div', 'error-box');
  if (error instanceof ApiError && error.status === 404)
    box.textContent = 'Not found: no event carries this id in the retention window.';
  else if (error instanceof ApiError && error.status === 401)
    box.textContent = `Not authorised: ${error.message}. Check the token and the tenant.`;
  else box.textContent = `Error: ${error.message}`;
  return box;
}

async function route() {
  const view = $('view');
  const search = /^#\/search\?(.*)$/.exec(window.location.hash);
  const match = /^#\/(requests|sessions)\/(.+)$/.exec(window.location.hash);
  if (!search && !match) return;
  view.replaceChildren(el('p', 'hint', 'Loading…'));
  try {
    if (search) await showSearch(view, new URLSearchParams(search[1]));
    else {
      const [, kind, encoded] = match;
      const id = decodeURIComponent(encoded);
      $(kind === 'requests' ? 'request-id' : 'session-id').value = id;
      if (kind === 'requests') await showRequest(view, id);
      else await showSession(view, id);
    }
  } catch (error) {
    view.replaceChildren(errorBox(error));
  }
}

function bindCredentials() {
  for (const name of ['token', 'tenant']) {
    const input = $(name);
    input.value = store.getItem(`ariane.${name}`) ?? '';
    input.addEventListener('change', () => {
      store.setItem(`ariane.${name}`, input.value.trim());
      void route();
    });
  }
}

function bindForms() {
  const open = (formId, inputId, kind) =>
    $(formId).addEventListener('submit', (event) => {
      event.preventDefault();
      const hash = `#/${kind}/${encodeURIComponent($(inputId).value.trim())}`;
      if (window.location.hash === hash) void route();
      else window.location.hash = hash;
    });
  open('request-form', 'request-id', 'requests');
  open('session-form', 'session-id', 'sessions');
  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const hash = `#/search?${searchParamsOf($('search-form')).toString()}`;
    if (window.location.hash === hash) void route();
    else window.location.hash = hash;
  });
  // `/` jumps to the search, unless the user is typing in a field.
  document.addEventListener('keydown', (event) => {
    const typing = ['INPUT', 'SELECT', 'TEXTAREA'].includes(document.activeElement?.tagName);
    if (event.key !== '/' || typing || event.ctrlKey || event.metaKey || event.altKey) return;
    event.preventDefault();
    $('search-from').focus();
  });
}

bindCredentials();
bindForms();
window.addEventListener('hashchange', () => void route());
void route();
