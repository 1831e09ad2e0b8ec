/**
 * The dashboard page: lists runs, and charts the selected run's metrics with tfjs-vis, polling for
 * new lines every second. Step records (`losses/...` keys) are charted against the step, epoch
 * records (`charts/...` keys) against the epoch; string values under `images/...` name PNG files of
 * the run (GAN sample grids, env frames) and show the latest one. Each chart's container carries
 * `data-points`, the number of points drawn, so that tests (and curious users) can read what is
 * shown.
 */
export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>bigmodel dashboard</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  #runs { min-width: 28rem; }
  #charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 1rem; margin-top: 1rem; }
  .chart { border: 1px solid #ddd; border-radius: 6px; padding: 0.5rem; }
  .chart h2 { font-size: 0.95rem; margin: 0 0 0.3rem; }
  #status { color: #666; font-size: 0.85rem; margin-left: 1rem; }
</style>
<script src="/vendor/tf.min.js"></script>
<script src="/vendor/tfjs-vis.umd.min.js"></script>
</head>
<body>
<h1>bigmodel dashboard</h1>
<label>Run <select id="runs"></select></label><span id="status"></span>
<div id="charts"></div>
<script>
const state = { run: null, next: 0, series: {}, images: {} };
const charts = document.getElementById('charts');
const status = document.getElementById('status');
const select = document.getElementById('runs');

async function json(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(url + ': ' + response.status);
  return response.json();
}

async function loadRuns() {
  const runs = await json('/api/runs');
  const current = select.value;
  select.innerHTML = runs.map((r) => '<option>' + r.name.replace(/</g, '&lt;') + '</option>').join('');
  if (current && runs.some((r) => r.name === current)) select.value = current;
  if (!state.run && runs.length) choose(runs[0].name);
}

function choose(run) {
  state.run = run;
  state.next = 0;
  state.series = {};
  state.images = {};
  charts.innerHTML = '';
  select.value = run;
}

function chartFor(key) {
  const id = 'chart-' + key.replace(/[^a-zA-Z0-9]/g, '_');
  let box = document.getElementById(id);
  if (!box) {
    box = document.createElement('div');
    box.className = 'chart';
    box.id = id;
    box.dataset.key = key;
    box.innerHTML = '<h2></h2><div class="plot"></div>';
    box.querySelector('h2').textContent = key;
    charts.appendChild(box);
  }
  return box;
}

function renderImages() {
  for (const [key, { path, count }] of Object.entries(state.images)) {
    const box = chartFor(key);
    if (box.dataset.src === path) continue;
    const plot = box.querySelector('.plot');
    plot.innerHTML = '';
    const img = document.createElement('img');
    img.alt = key;
    img.style.imageRendering = 'pixelated';
    img.style.width = '256px';
    img.src = '/api/image?run=' + encodeURIComponent(state.run) + '&path=' + encodeURIComponent(path);
    plot.appendChild(img);
    box.dataset.src = path;
    box.dataset.points = String(count);
  }
}

function render() {
  for (const [key, points] of Object.entries(state.series)) {
    const box = chartFor(key);
    if (Number(box.dataset.points) === points.length) continue;
    const byEpoch = key.startsWith('charts/');
    tfvis.render.linechart(box.querySelector('.plot'), { values: [points], series: [key] }, {
      xLabel: byEpoch ? 'epoch' : 'step', yLabel: key.split('/').pop(), width: 400, height: 220,
      zoomToFit: !key.startsWith('schedule/'), // a learning rate reads best from 0 up
    });
    box.dataset.points = String(points.length);
  }
}

async function poll() {
  try {
    await loadRuns();
    if (state.run) {
      const { records, next } = await json('/api/metrics?run=' + encodeURIComponent(state.run) + '&from=' + state.next);
      state.next = next;
      for (const record of records) {
        for (const [key, value] of Object.entries(record)) {
          if (key.startsWith('images/') && typeof value === 'string') {
            state.images[key] = { path: value, count: (state.images[key]?.count ?? 0) + 1 };
            continue;
          }
          if (typeof value !== 'number' || !key.includes('/')) continue;
          const x = key.startsWith('charts/') ? record.epoch : record.step;
          (state.series[key] ??= []).push({ x, y: value });
        }
      }
      render();
      renderImages();
      status.textContent = 'updated ' + new Date().toLocaleTimeString() + ' · ' + state.next + ' records';
    }
  } catch (error) {
    status.textContent = String(error);
  }
  setTimeout(poll, 1000);
}
select.addEventListener('change', () => choose(select.value));
poll();
</script>
</body>
</html>
`;
