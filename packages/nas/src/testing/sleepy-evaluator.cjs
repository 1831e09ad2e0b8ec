// A deterministic evaluator for the distributed-search tests: waits `ms` (so that a trial can be
// killed mid-run), then scores the configuration by a fixed formula of its values.
exports.createEvaluator = (options) => async (config, budget) => {
  await new Promise((resolve) => setTimeout(resolve, Number(options.ms ?? 0)));
  let score = 0;
  for (const [key, value] of Object.entries(config)) {
    const v = typeof value === 'number' ? value : String(value).length;
    score -= (v - key.length) ** 2;
  }
  return { score: score * budget, pid: process.pid };
};
