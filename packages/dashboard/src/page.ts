/**
 * The dashboard page. The left column lists the runs (training runs with a `metrics.jsonl`, searches
 * with a `journal.jsonl`); ticking several overlays them: one chart per metric, one series per run.
 * Step records (`losses/...` keys) are charted against the step, epoch records (`charts/...` keys)
 * against the epoch; a search shows its trial scores and the best score so far against the trials
 * in finishing order; string values under `images/...` name PNG files of the run (GAN sample grids,
 * env frames) and show the latest one. New lines are polled every second. The selection lives in the
 * address (`#run=a&run=b`), so a comparison can be bookmarked.
 *
 * Run names come from the file system and may hold any character: they are only ever put in the page
 * with `textContent` or DOM properties, and in requests with `encodeURIComponent`. Charts are tfjs-vis
 * scatterplots, which place each point at its own x (its linechart places them at their index).
 *
 * A series of more than 1,500 points is drawn thinned (every k-th point and the last). Each chart's
 * container carries `data-points` (the points its series hold) and `data-series` (JSON: each drawn
 * series' name, x and y), so that tests (and curious users) can read what is shown.
 * @category Dashboard
 */
export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>bigmodel dashboard</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
  header { display: flex; align-items: baseline; gap: 1rem; margin-bottom: 1rem; }
  h1 { font-size: 1.3rem; margin: 0; }
  #status { color: #666; font-size: 0.85rem; }
  main { display: grid; grid-template-columns: minmax(14rem, 20rem) 1fr; gap: 1.5rem; align-items: start; }
  aside h2 { font-size: 0.95rem; margin: 0 0 0.2rem; }
  aside .hint { color: #666; font-size: 0.8rem; margin: 0 0 0.5rem; }
  #runs { list-style: none; margin: 0; padding: 0; }
  #runs li { padding: 0.15rem 0; }
  #runs label { display: flex; gap: 0.4rem; align-items: baseline; cursor: pointer; word-break: break-all; }
  #runs .kind { color: #fff; font-size: 0.7rem; border-radius: 3px; padding: 0 0.3rem; background: #888; }
  #runs .kind.search { background: #7a4fb5; }
  #runs .kind.training { background: #2f7d4f; }
  #charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 1rem; }
  .chart { border: 1px solid #ddd; border-radius: 6px; padding: 0.5rem; }
  .chart h2 { font-size: 0.95rem; margin: 0 0 0.3rem; }
  .chart .note { font-size: 0.8rem; color: #444; margin: 0.3rem 0 0; white-space: pre-wrap; word-break: break-all; }
</style>
<script src="/vendor/tf.min.js"></script>
<script src="/vendor/tfjs-vis.umd.min.js"></script>
</head>
<body>
<header><h1>bigmodel dashboard</h1><span id="status"></span></header>
<main>
<aside><h2>Runs</h2><p class="hint">Tick several to overlay them.</p><ul id="runs"></ul></aside>
<div id="charts"></div>
</main>
<script>
const state = { runs: [], listed: '', selected: null, automatic: true, data: new Map() };
const boxes = new Map();
const charts = document.getElementById('charts');
const status = document.getElementById('status');
const list = document.getElementById('runs');
const SEARCH_KEY = 'search/trial score and best so far';
const MAX_POINTS = 1500; // per series drawn

async function json(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(url + ': ' + response.status);
  return response.json();
}

function readHash() {
  return new URLSearchParams(location.hash.slice(1)).getAll('run');
}

function writeHash() {
  const params = new URLSearchParams();
  for (const run of state.selected) params.append('run', run);
  history.replaceState(null, '', '#' + params.toString());
}

function renderList() {
  const signature = JSON.stringify(state.runs.map((r) => [r.name, r.metrics, r.search]));
  if (signature === state.listed) {
    for (const input of list.querySelectorAll('input')) input.checked = state.selected.includes(input.value);
    return;
  }
  state.listed = signature;
  list.replaceChildren();
  for (const run of state.runs) {
    const item = document.createElement('li');
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.value = run.name;
    input.checked = state.selected.includes(run.name);
    input.addEventListener('change', () => toggle(run.name, input.checked));
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = run.name;
    const kind = document.createElement('span');
    kind.className = 'kind ' + (run.search ? 'search' : 'training');
    kind.textContent = run.search ? 'search' : 'training';
    label.append(input, name, kind);
    item.append(label);
    list.append(item);
  }
}

async function loadRuns() {
  state.runs = await json('/api/runs');
  if (state.selected === null || (state.automatic && state.selected.length === 0 && state.runs.length > 0)) {
    // Until the user ticks a run: the runs the address names, else the newest run (once there is one).
    const wanted = readHash().filter((name) => state.runs.some((r) => r.name === name));
    state.selected = wanted.length ? wanted : state.runs.slice(0, 1).map((r) => r.name);
    writeHash();
  }
  renderList();
}

function toggle(name, on) {
  state.automatic = false;
  state.selected = state.selected.filter((r) => r !== name);
  if (on) state.selected.push(name);
  for (const run of state.data.keys()) if (!state.selected.includes(run)) state.data.delete(run);
  writeHash();
  boxes.clear();
  charts.replaceChildren();
  render();
  poll(false);
}

function dataFor(run) {
  if (!state.data.has(run)) state.data.set(run, { next: 0, series: new Map(), images: new Map(), search: null, searchUpdated: -1 });
  return state.data.get(run);
}

function absorb(data, records) {
  for (const record of records) {
    for (const [key, value] of Object.entries(record)) {
      if (key.startsWith('images/') && typeof value === 'string') {
        data.images.set(key, { path: value, count: (data.images.get(key)?.count ?? 0) + 1 });
        continue;
      }
      if (typeof value !== 'number' || !Number.isFinite(value) || !key.includes('/')) continue;
      const x = key.startsWith('charts/') ? record.epoch : record.step;
      if (typeof x !== 'number') continue;
      if (!data.series.has(key)) data.series.set(key, []);
      data.series.get(key).push({ x, y: value });
    }
  }
}

async function pollRun(name) {
  const info = state.runs.find((r) => r.name === name);
  if (!info) return;
  const data = dataFor(name);
  const query = '?run=' + encodeURIComponent(name);
  if (info.metrics) {
    for (let i = 0; i < 64; i++) {
      const chunk = await json('/api/metrics' + query + '&from=' + data.next);
      if (chunk.reset) {
        data.series = new Map();
        data.images = new Map();
      }
      data.next = chunk.next;
      absorb(data, chunk.records);
      if (!chunk.more) break;
    }
  }
  if (info.search && data.searchUpdated !== info.updated) {
    data.search = await json('/api/search' + query);
    data.searchUpdated = info.updated;
  }
}

function box(id, key, title, run) {
  let element = boxes.get(id);
  if (!element) {
    element = document.createElement('div');
    element.className = 'chart';
    if (!run) element.id = 'chart-' + key.replace(/[^a-zA-Z0-9]/g, '_');
    element.dataset.key = key;
    if (run) element.dataset.run = run;
    const heading = document.createElement('h2');
    heading.textContent = title;
    const plot = document.createElement('div');
    plot.className = 'plot';
    const note = document.createElement('p');
    note.className = 'note';
    element.append(heading, plot, note);
    if (key === SEARCH_KEY) charts.prepend(element); else charts.append(element);
    boxes.set(id, element);
  }
  return element;
}

function searchNote(run, search) {
  const ok = search.trials.filter((t) => t.score !== null);
  const best = ok.reduce((a, t) => (a === null || t.score > a.score ? t : a), null);
  const planned = search.plannedTrials ? ' of ' + search.plannedTrials : '';
  let text = run + ': ' + (search.strategy ?? 'search') + ', ' + search.trials.length + planned + ' trials';
  if (search.trials.length > ok.length) text += ' (' + (search.trials.length - ok.length) + ' failed or infeasible)';
  const config = best?.config ? ': ' + JSON.stringify(best.config) : '';
  if (best) text += ', best ' + best.score.toPrecision(4) + ' (trial ' + best.id + config + ')';
  return text;
}

/** At most about max of the points (every k-th, the last always kept), so that a long run's chart stays quick to draw. */
function thin(points, max) {
  if (points.length <= max) return points;
  const every = Math.ceil(points.length / max);
  const kept = points.filter((_, i) => i % every === 0);
  if ((points.length - 1) % every !== 0) kept.push(points[points.length - 1]);
  return kept;
}

function render() {
  const byKey = new Map();
  const add = (key, name, points) => {
    if (!points.length) return;
    if (!byKey.has(key)) byKey.set(key, []);
    byKey.get(key).push({ name, points });
  };
  const notes = [];
  const several = state.selected.length > 1;
  for (const run of state.selected) {
    const search = state.data.get(run)?.search;
    if (!search) continue;
    const points = (field) => search.trials.map((t, i) => ({ x: i + 1, y: t[field] })).filter((p) => p.y !== null);
    add(SEARCH_KEY, run + ' · trial score', points('score'));
    add(SEARCH_KEY, run + ' · best so far', points('bestSoFar'));
    notes.push(searchNote(run, search));
  }
  for (const run of state.selected) {
    for (const [key, points] of state.data.get(run)?.series ?? []) add(key, run, points);
  }
  for (const [key, series] of byKey) {
    const element = box('metric:' + key, key, key === SEARCH_KEY ? 'search: trial score and best so far' : key);
    if (key === SEARCH_KEY) element.querySelector('.note').textContent = notes.join('\\n');
    const signature = series.map((s) => s.name + ':' + s.points.length).join('|');
    if (element.dataset.signature === signature) continue;
    const drawn = series.map((s) => ({ name: s.name, points: thin(s.points, MAX_POINTS) }));
    const xLabel = key === SEARCH_KEY ? 'trial (in finishing order)' : key.startsWith('charts/') ? 'epoch' : 'step';
    // A scatterplot: tfjs-vis's linechart plots each series against its index, not its x, and cuts every series
    // to the first one's length.
    tfvis.render.scatterplot(element.querySelector('.plot'), { values: drawn.map((s) => s.points), series: drawn.map((s) => s.name) }, {
      xLabel, yLabel: key === SEARCH_KEY ? 'score' : key.split('/').pop(), width: 400, height: 240,
      zoomToFit: !key.startsWith('schedule/'), // a learning rate reads best from 0 up
    });
    element.dataset.signature = signature;
    element.dataset.points = String(series.reduce((n, s) => n + s.points.length, 0));
    const shown = drawn.map((s) => ({ name: s.name, x: s.points.map((p) => p.x), y: s.points.map((p) => p.y) }));
    element.dataset.series = JSON.stringify(shown);
  }
  for (const run of state.selected) {
    for (const [key, { path, count }] of state.data.get(run)?.images ?? []) {
      const element = box('image:' + run + '\\n' + key, key, several ? key + ' · ' + run : key, run);
      if (element.dataset.src === path) continue;
      const img = document.createElement('img');
      img.alt = key;
      img.style.imageRendering = 'pixelated';
      img.style.width = '256px';
      img.src = '/api/image?run=' + encodeURIComponent(run) + '&path=' + encodeURIComponent(path);
      element.querySelector('.plot').replaceChildren(img);
      element.dataset.src = path;
      element.dataset.points = String(count);
    }
  }
}

let polling = false;
async function poll(again = true) {
  if (polling) {
    if (again) setTimeout(poll, 1000);
    return;
  }
  polling = true;
  const problems = [];
  try {
    await loadRuns();
    for (const run of state.selected) {
      try {
        await pollRun(run);
      } catch (error) {
        problems.push(run + ': ' + error.message);
      }
    }
    render();
    const updated = 'updated ' + new Date().toLocaleTimeString() + ' · ' + state.runs.length + ' runs';
    status.textContent = problems.length ? problems.join('; ') : updated;
  } catch (error) {
    status.textContent = String(error);
  } finally {
    polling = false;
    if (again) setTimeout(poll, 1000);
  }
}
poll();
</script>
</body>
</html>
`;
