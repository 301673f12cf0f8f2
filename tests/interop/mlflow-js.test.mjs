// Drives a running Keel server with a real third-party MLflow client: the npm package `mlflow`
// 2.0.7 (https://github.com/Yuhsak/mlflow), unchanged. Run with
//   KEEL_URL=http://127.0.0.1:5000 node --test tests/interop/mlflow-js.test.mjs
// (tests/Keel.Server.Tests/Interop/MlflowJsClientTests.cs starts a server and does exactly that).
//
// Left out on purpose, because they fail against MLflow itself too:
//   - Experiments.list: calls GET experiments/list, which MLflow 2 removed (use experiments/search).
//   - Experiments.setExperimentTag: builds ".../experimentsset-experiment-tag" (no slash).
// The package has no method for experiments/get-by-name or experiments/search: those calls go
// through the package's own transport, `req(method, path, body)`, which every published method
// uses, so the HTTP shape (headers, query encoding, error handling) is still the client's. It
// cannot upload artifacts: that test uploads with a plain PUT to the mlflow-artifacts proxy, as
// MLflow's own client does, and lists with Artifacts.list. A run is named through the
// mlflow.runName tag (Runs.create has no run_name).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';

const require = createRequire(import.meta.url);
const MLflow = require('mlflow');
const { ViewType, RunStatus, LifecycleStage } = require('mlflow/enum');

const endpoint = process.env.KEEL_URL;
if (!endpoint) {
  throw new Error('Set KEEL_URL to the base address of a running Keel server, e.g. http://127.0.0.1:5000');
}

const client = new MLflow({ endpoint: endpoint.replace(/\/+$/, '') });
const { Experiments, Runs, Metrics, Artifacts } = client;

// mlflow-js prints every POST body with console.log (lib/mlflow.js, req()); this file logs
// nothing itself, so drop those lines to keep the test report readable.
console.log = () => {};

const unique = (prefix) => `${prefix}-${randomUUID()}`;

/** mlflow-js wraps a non-200 answer as Error("Error: {status, statusText, data}"); unwrap it. */
async function expectMlflowError(promise, status, errorCode) {
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected HTTP ${status} ${errorCode}, but the call succeeded`);
  const json = error.message.slice(error.message.indexOf('{'));
  const failure = JSON.parse(json);
  assert.equal(failure.status, status, json);
  assert.equal(failure.data?.error_code, errorCode, json);
  assert.equal(typeof failure.data?.message, 'string', json);
}

async function newExperiment() {
  const { experiment_id } = await Experiments.create({ name: unique('js-exp') });
  return experiment_id;
}

async function newRun(experimentId, extra = {}) {
  const { run } = await Runs.create({ experiment_id: experimentId, start_time: Date.now(), ...extra });
  return run;
}

test('Experiments.create then get returns the experiment', async () => {
  const name = unique('js-exp');
  const created = await Experiments.create({ name });
  assert.match(created.experiment_id, /^\d+$/);

  const { experiment } = await Experiments.get({ experiment_id: created.experiment_id });
  assert.equal(experiment.experiment_id, created.experiment_id);
  assert.equal(experiment.name, name);
  assert.equal(experiment.lifecycle_stage, LifecycleStage.active);
  assert.equal(typeof experiment.artifact_location, 'string');
  assert.ok(experiment.artifact_location.length > 0);
  assert.equal(typeof experiment.creation_time, 'number');
  assert.equal(typeof experiment.last_update_time, 'number');
});

test('Experiments.create with an artifact_location keeps it', async () => {
  const location = `/tmp/keel-js-${randomUUID()}`;
  const { experiment_id } = await Experiments.create({ name: unique('js-loc'), artifact_location: location });
  const { experiment } = await Experiments.get({ experiment_id });
  assert.ok(experiment.artifact_location.endsWith(location.slice(1)), experiment.artifact_location);
});

test('Experiments.create with a taken name fails with RESOURCE_ALREADY_EXISTS', async () => {
  const name = unique('js-dup');
  await Experiments.create({ name });
  await expectMlflowError(Experiments.create({ name }), 400, 'RESOURCE_ALREADY_EXISTS');
});

test('Experiments.get of an unknown id fails with RESOURCE_DOES_NOT_EXIST', async () => {
  await expectMlflowError(Experiments.get({ experiment_id: '987654321' }), 404, 'RESOURCE_DOES_NOT_EXIST');
});

test('experiments/get-by-name (through the client transport) finds the experiment', async () => {
  const name = unique('js-byname');
  const { experiment_id } = await Experiments.create({ name });
  const { experiment } = await Experiments.req('get', '/get-by-name', { experiment_name: name });
  assert.equal(experiment.experiment_id, experiment_id);
  assert.equal(experiment.name, name);
  await expectMlflowError(Experiments.req('get', '/get-by-name', { experiment_name: unique('missing') }), 404, 'RESOURCE_DOES_NOT_EXIST');
});

test('experiments/search (through the client transport) lists active and deleted experiments', async () => {
  const active = await newExperiment();
  const deleted = await newExperiment();
  await Experiments.delete({ experiment_id: deleted });

  const ids = async (view_type) => {
    const found = [];
    let page_token;
    do {
      const page = await Experiments.req('post', '/search', { max_results: 1000, view_type, page_token });
      found.push(...(page.experiments ?? []).map((e) => e.experiment_id));
      page_token = page.next_page_token;
    } while (page_token);
    return found;
  };

  const activeIds = await ids(ViewType.ACTIVE_ONLY);
  assert.ok(activeIds.includes(active));
  assert.ok(!activeIds.includes(deleted));
  const deletedIds = await ids(ViewType.DELETED_ONLY);
  assert.ok(deletedIds.includes(deleted));
  assert.ok(!deletedIds.includes(active));
  const allIds = await ids(ViewType.ALL);
  assert.ok(allIds.includes(active) && allIds.includes(deleted));
});

test('Experiments.update renames the experiment', async () => {
  const id = await newExperiment();
  const newName = unique('js-renamed');
  assert.deepEqual(await Experiments.update({ experiment_id: id, new_name: newName }), {});
  const { experiment } = await Experiments.get({ experiment_id: id });
  assert.equal(experiment.name, newName);
});

test('Experiments.delete and restore move the experiment between lifecycle stages', async () => {
  const id = await newExperiment();
  assert.deepEqual(await Experiments.delete({ experiment_id: id }), {});
  assert.equal((await Experiments.get({ experiment_id: id })).experiment.lifecycle_stage, LifecycleStage.deleted);

  assert.deepEqual(await Experiments.restore({ experiment_id: id }), {});
  assert.equal((await Experiments.get({ experiment_id: id })).experiment.lifecycle_stage, LifecycleStage.active);
});

test('Runs.create then get returns the run with its tags', async () => {
  const experimentId = await newExperiment();
  const startTime = Date.now();
  const { run } = await Runs.create({
    experiment_id: experimentId,
    user_id: 'js-user',
    start_time: startTime,
    tags: [{ key: 'origin', value: 'mlflow-js' }],
  });
  assert.match(run.info.run_id, /^[0-9a-f]{32}$/);
  assert.equal(run.info.experiment_id, experimentId);
  assert.equal(run.info.user_id, 'js-user');
  assert.equal(run.info.status, RunStatus.RUNNING);
  assert.equal(run.info.start_time, startTime);
  assert.equal(run.info.lifecycle_stage, LifecycleStage.active);

  const fetched = (await Runs.get({ run_id: run.info.run_id })).run;
  assert.equal(fetched.info.run_id, run.info.run_id);
  assert.ok(fetched.data.tags.some((t) => t.key === 'origin' && t.value === 'mlflow-js'));
});

test('Runs.create in an unknown experiment fails with RESOURCE_DOES_NOT_EXIST', async () => {
  await expectMlflowError(Runs.create({ experiment_id: '987654321', start_time: Date.now() }), 404, 'RESOURCE_DOES_NOT_EXIST');
});

test('Runs.get of an unknown run fails with RESOURCE_DOES_NOT_EXIST', async () => {
  await expectMlflowError(Runs.get({ run_id: '0123456789abcdef0123456789abcdef' }), 404, 'RESOURCE_DOES_NOT_EXIST');
});

test('Runs.update sets status and end time', async () => {
  const run = await newRun(await newExperiment());
  const endTime = run.info.start_time + 1234;
  const { run_info } = await Runs.update({ run_id: run.info.run_id, status: RunStatus.FINISHED, end_time: endTime });
  assert.equal(run_info.run_id, run.info.run_id);
  assert.equal(run_info.status, RunStatus.FINISHED);
  assert.equal(run_info.end_time, endTime);

  const fetched = (await Runs.get({ run_id: run.info.run_id })).run;
  assert.equal(fetched.info.status, RunStatus.FINISHED);
  assert.equal(fetched.info.end_time, endTime);
});

test('Runs.delete and restore move the run between lifecycle stages', async () => {
  const run = await newRun(await newExperiment());
  const runId = run.info.run_id;
  assert.deepEqual(await Runs.delete({ run_id: runId }), {});
  assert.equal((await Runs.get({ run_id: runId })).run.info.lifecycle_stage, LifecycleStage.deleted);

  assert.deepEqual(await Runs.restore({ run_id: runId }), {});
  assert.equal((await Runs.get({ run_id: runId })).run.info.lifecycle_stage, LifecycleStage.active);
});

test('Runs.logParameter stores a param; changing its value fails with INVALID_PARAMETER_VALUE', async () => {
  const run = await newRun(await newExperiment());
  const runId = run.info.run_id;
  assert.deepEqual(await Runs.logParameter({ run_id: runId, key: 'lr', value: '0.01' }), {});
  // Logging the same value again is allowed.
  await Runs.logParameter({ run_id: runId, key: 'lr', value: '0.01' });
  await expectMlflowError(Runs.logParameter({ run_id: runId, key: 'lr', value: '0.02' }), 400, 'INVALID_PARAMETER_VALUE');

  const { params } = (await Runs.get({ run_id: runId })).run.data;
  assert.deepEqual(params, [{ key: 'lr', value: '0.01' }]);
});

test('Runs.logMetric and Metrics.getHistory return every observation and the latest value', async () => {
  const run = await newRun(await newExperiment());
  const runId = run.info.run_id;
  const t0 = Date.now();
  const observations = [
    { value: 0.9, timestamp: t0, step: 0 },
    { value: 0.5, timestamp: t0 + 10, step: 2 },
    { value: 0.7, timestamp: t0 + 5, step: 1 },
    { value: -1.25, timestamp: t0 + 20, step: 3 },
  ];
  for (const o of observations) {
    assert.deepEqual(await Runs.logMetric({ run_id: runId, key: 'loss', ...o }), {});
  }

  const { metrics } = await Metrics.getHistory({ run_id: runId, metric_key: 'loss' });
  const byStep = [...observations].sort((a, b) => a.step - b.step).map((o) => ({ key: 'loss', ...o }));
  assert.deepEqual(metrics.map(({ key, value, timestamp, step }) => ({ key, value, timestamp, step })), byStep);

  const latest = (await Runs.get({ run_id: runId })).run.data.metrics;
  assert.deepEqual(latest, [{ key: 'loss', value: -1.25, timestamp: t0 + 20, step: 3 }]);
});

test('Runs.logMetric without a timestamp fails with INVALID_PARAMETER_VALUE', async () => {
  const run = await newRun(await newExperiment());
  await expectMlflowError(Runs.logMetric({ run_id: run.info.run_id, key: 'loss', value: 1 }), 400, 'INVALID_PARAMETER_VALUE');
});

test('Metrics.getHistory of a key never logged is empty', async () => {
  const run = await newRun(await newExperiment());
  const history = await Metrics.getHistory({ run_id: run.info.run_id, metric_key: 'never' });
  assert.deepEqual(history.metrics ?? [], []);
});

test('Runs.setTag and deleteTag add, overwrite and remove a tag', async () => {
  const run = await newRun(await newExperiment());
  const runId = run.info.run_id;
  const tagValue = async (key) => (await Runs.get({ run_id: runId })).run.data.tags.find((t) => t.key === key)?.value;

  assert.deepEqual(await Runs.setTag({ run_id: runId, key: 'stage', value: 'draft' }), {});
  assert.equal(await tagValue('stage'), 'draft');
  await Runs.setTag({ run_id: runId, key: 'stage', value: 'final' });
  assert.equal(await tagValue('stage'), 'final');

  assert.deepEqual(await Runs.deleteTag({ run_id: runId, key: 'stage' }), {});
  assert.equal(await tagValue('stage'), undefined);
  await expectMlflowError(Runs.deleteTag({ run_id: runId, key: 'stage' }), 404, 'RESOURCE_DOES_NOT_EXIST');
});

test('setting the mlflow.runName tag renames the run', async () => {
  const run = await newRun(await newExperiment());
  await Runs.setTag({ run_id: run.info.run_id, key: 'mlflow.runName', value: 'js-named' });
  const fetched = (await Runs.get({ run_id: run.info.run_id })).run;
  assert.equal(fetched.info.run_name, 'js-named');
});

test('Runs.logBatch stores metrics, params and tags in one call', async () => {
  const run = await newRun(await newExperiment());
  const runId = run.info.run_id;
  const t0 = Date.now();
  const metrics = Array.from({ length: 50 }, (_, i) => ({ key: i % 2 ? 'acc' : 'loss', value: i / 100, timestamp: t0 + i, step: i }));
  const params = [{ key: 'optimizer', value: 'adam' }, { key: 'epochs', value: '25' }];
  const tags = [{ key: 'team', value: 'keel' }];
  assert.deepEqual(await Runs.logBatch({ run_id: runId, metrics, params, tags }), {});

  const { data } = (await Runs.get({ run_id: runId })).run;
  assert.deepEqual([...data.params].sort((a, b) => a.key.localeCompare(b.key)), [{ key: 'epochs', value: '25' }, { key: 'optimizer', value: 'adam' }]);
  assert.ok(data.tags.some((t) => t.key === 'team' && t.value === 'keel'));
  const latest = Object.fromEntries(data.metrics.map((m) => [m.key, m]));
  assert.equal(latest.loss.step, 48);
  assert.equal(latest.acc.step, 49);
  assert.equal(latest.acc.value, 0.49);

  const { metrics: accHistory } = await Metrics.getHistory({ run_id: runId, metric_key: 'acc' });
  assert.equal(accHistory.length, 25);
  assert.deepEqual(accHistory.map((m) => m.step), Array.from({ length: 25 }, (_, i) => 2 * i + 1));
});

test('Runs.logBatch with a changed param value fails as a whole', async () => {
  const run = await newRun(await newExperiment());
  const runId = run.info.run_id;
  await Runs.logParameter({ run_id: runId, key: 'seed', value: '1' });
  await expectMlflowError(
    Runs.logBatch({ run_id: runId, metrics: [{ key: 'm', value: 1, timestamp: Date.now(), step: 0 }], params: [{ key: 'seed', value: '2' }], tags: [] }),
    400,
    'INVALID_PARAMETER_VALUE');
  const { data } = (await Runs.get({ run_id: runId })).run;
  assert.deepEqual(data.metrics ?? [], [], 'a failed batch must not store its metrics');
});

test('Runs.search finds active and deleted runs and pages with page_token', async () => {
  const experimentId = await newExperiment();
  const t0 = Date.now();
  const runs = [];
  for (let i = 0; i < 5; i++) {
    runs.push(await newRun(experimentId, { start_time: t0 + i }));
  }
  await Runs.delete({ run_id: runs[0].info.run_id });

  const search = (args) => Runs.search({ experiment_ids: [experimentId], ...args });

  const active = await search({ run_view_type: ViewType.ACTIVE_ONLY });
  // Default order: newest start_time first.
  assert.deepEqual(active.runs.map((r) => r.info.run_id), runs.slice(1).reverse().map((r) => r.info.run_id));

  const deleted = await search({ run_view_type: ViewType.DELETED_ONLY });
  assert.deepEqual(deleted.runs.map((r) => r.info.run_id), [runs[0].info.run_id]);

  const all = await search({ run_view_type: ViewType.ALL });
  assert.equal(all.runs.length, 5);

  const seen = [];
  let page_token;
  let pages = 0;
  do {
    const page = await search({ run_view_type: ViewType.ALL, max_results: 2, page_token });
    assert.ok(page.runs.length <= 2);
    seen.push(...page.runs.map((r) => r.info.run_id));
    page_token = page.next_page_token;
    pages++;
  } while (page_token);
  assert.equal(pages, 3);
  assert.deepEqual(seen, all.runs.map((r) => r.info.run_id));
});

test('Runs.search returns each run with its params, latest metrics and tags', async () => {
  const experimentId = await newExperiment();
  const run = await newRun(experimentId);
  const t0 = Date.now();
  await Runs.logBatch({
    run_id: run.info.run_id,
    metrics: [{ key: 'rmse', value: 3.5, timestamp: t0, step: 0 }, { key: 'rmse', value: 2.5, timestamp: t0 + 1, step: 1 }],
    params: [{ key: 'depth', value: '6' }],
    tags: [{ key: 'kind', value: 'tree' }],
  });
  const { runs } = await Runs.search({ experiment_ids: [experimentId] });
  assert.equal(runs.length, 1);
  assert.deepEqual(runs[0].data.metrics, [{ key: 'rmse', value: 2.5, timestamp: t0 + 1, step: 1 }]);
  assert.deepEqual(runs[0].data.params, [{ key: 'depth', value: '6' }]);
  assert.ok(runs[0].data.tags.some((t) => t.key === 'kind' && t.value === 'tree'));
});

test('Runs.search with max_results above 50000 fails with INVALID_PARAMETER_VALUE', async () => {
  const experimentId = await newExperiment();
  await expectMlflowError(Runs.search({ experiment_ids: [experimentId], max_results: 50001 }), 400, 'INVALID_PARAMETER_VALUE');
});

test('Runs.search filters by metric, param and tag and orders by a metric', async () => {
  const experimentId = await newExperiment();
  const t0 = Date.now();
  const accs = [0.91, 0.42, 0.77, 0.65, 0.13];
  const runIds = [];
  for (const [i, acc] of accs.entries()) {
    const run = await newRun(experimentId, { start_time: t0 + i });
    await Runs.logBatch({
      run_id: run.info.run_id,
      metrics: [{ key: 'acc', value: acc, timestamp: t0, step: 0 }],
      params: [{ key: 'model', value: i % 2 ? 'tree' : 'linear' }],
      tags: [{ key: 'parity', value: i % 2 ? 'odd' : 'even' }],
    });
    runIds.push(run.info.run_id);
  }
  const accOf = (r) => r.data.metrics.find((m) => m.key === 'acc').value;

  const byMetric = await Runs.search({ experiment_ids: [experimentId], filter: 'metrics.acc > 0.5', order_by: ['metrics.acc DESC'] });
  assert.deepEqual(byMetric.runs.map(accOf), [0.91, 0.77, 0.65]);

  const ascending = await Runs.search({ experiment_ids: [experimentId], order_by: ['metrics.acc ASC'], max_results: 2 });
  assert.deepEqual(ascending.runs.map(accOf), [0.13, 0.42]);
  assert.ok(ascending.next_page_token);
  const rest = await Runs.search({ experiment_ids: [experimentId], order_by: ['metrics.acc ASC'], max_results: 10, page_token: ascending.next_page_token });
  assert.deepEqual(rest.runs.map(accOf), [0.65, 0.77, 0.91]);

  const byParamAndTag = await Runs.search({
    experiment_ids: [experimentId],
    filter: "params.model = 'linear' and tags.parity = 'even' and metrics.acc < 0.9",
    order_by: ['metrics.acc DESC'],
  });
  assert.deepEqual(byParamAndTag.runs.map((r) => r.info.run_id), [runIds[2], runIds[4]]);

  await expectMlflowError(Runs.search({ experiment_ids: [experimentId], filter: 'metrics.acc >>> 1' }), 400, 'INVALID_PARAMETER_VALUE');
});

test('experiments/search (through the client transport) filters by name', async () => {
  const name = unique('js-filter');
  const { experiment_id } = await Experiments.create({ name });
  const page = await Experiments.req('post', '/search', { filter: `name = '${name}'`, max_results: 10 });
  assert.deepEqual(page.experiments.map((e) => e.experiment_id), [experiment_id]);
});

test('Artifacts.list lists a run\'s artifacts (uploaded through the mlflow-artifacts proxy)', async () => {
  const experimentId = await newExperiment();
  const run = await newRun(experimentId);
  const runId = run.info.run_id;

  const empty = await Artifacts.list({ run_id: runId });
  assert.equal(empty.root_uri, run.info.artifact_uri);
  assert.deepEqual(empty.files ?? [], []);

  // mlflow-js cannot upload; do it the way MLflow's own client does, with a PUT to the proxy.
  const upload = await fetch(`${endpoint.replace(/\/+$/, '')}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/notes/readme.txt`, {
    method: 'PUT',
    body: 'hello',
  });
  assert.equal(upload.status, 200);

  const top = await Artifacts.list({ run_id: runId });
  assert.deepEqual(top.files, [{ path: 'notes', is_dir: true }]);
  const inside = await Artifacts.list({ run_id: runId, path: 'notes' });
  assert.deepEqual(inside.files, [{ path: 'notes/readme.txt', is_dir: false, file_size: 5 }]);
});
