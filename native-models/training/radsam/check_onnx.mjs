// Runs radsam-lite.onnx in onnxruntime-node: checks the interface, parity with the PyTorch
// outputs written by export.py (/tmp/radsam-parity.json) and times one slice step on 2 threads.
//   node native-models/training/radsam/check_onnx.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';

const here = path.dirname(fileURLToPath(import.meta.url));
const modelPath = path.join(here, '..', '..', 'radsam-lite', 'radsam-lite.onnx');
const parityPath = process.argv[2] ?? '/tmp/radsam-parity.json';

(async () => {
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'all',
  });
  console.log('inputs', session.inputNames.join(','), 'outputs', session.outputNames.join(','));
  let ok = true;
  if (fs.existsSync(parityPath)) {
    const vecs = JSON.parse(fs.readFileSync(parityPath, 'utf8'));
    for (const v of vecs) {
      const feeds = {};
      for (const [k, t] of Object.entries(v.inputs)) feeds[k] = new ort.Tensor('float32', Float32Array.from(t.data), t.shape);
      const r = await session.run(feeds);
      const m = r.masks.data;
      let maxErr = 0;
      v.masks_sample.forEach((x, i) => { maxErr = Math.max(maxErr, Math.abs(x - m[i * 97])); });
      const iouErr = Math.abs(r.iou_predictions.data[0] - v.iou);
      const good = maxErr < 1e-3 && iouErr < 1e-4;
      ok = ok && good;
      console.log(`N=${v.inputs.point_labels.shape[1]} masks ${r.masks.dims} iou ${r.iou_predictions.dims} max|dlogit| ${maxErr.toExponential(2)} |diou| ${iouErr.toExponential(2)} ${good ? 'OK' : 'MISMATCH'}`);
    }
  }
  const S = 128;
  const f = (d, sh) => new ort.Tensor('float32', d, sh);
  const img = new Float32Array(S * S);
  for (let i = 0; i < img.length; i++) img[i] = 0.3 + 0.1 * Math.sin(i / 37);
  const mask = new Float32Array((S / 4) * (S / 4)).fill(-10);
  const feeds = {
    image: f(img, [1, 1, S, S]), point_coords: f(Float32Array.from([64, 64, 0, 0]), [1, 2, 2]),
    point_labels: f(Float32Array.from([1, -1]), [1, 2]), mask_input: f(mask, [1, 1, S / 4, S / 4]),
    has_mask_input: f(Float32Array.from([0]), [1]),
  };
  for (let i = 0; i < 10; i++) await session.run(feeds);
  const n = 200;
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(`per slice step (2 threads): median ${times[n / 2].toFixed(2)} ms, p90 ${times[Math.floor(n * 0.9)].toFixed(2)} ms`);
  process.exit(ok ? 0 : 1);
})();
