/**
 * Writes a few-shot probe as a tiny ONNX model, so a probe is a model pack like
 * any other (sha256, interface check, sessions in the inference worker):
 *
 *   embedding [N, D] → (x − mean) / scale → · W [D, 1] + b → logit [N, 1]
 *
 * The ONNX protobuf (onnx.proto3: ModelProto, GraphProto, NodeProto,
 * TensorProto, ValueInfoProto) is encoded here directly: four nodes and three
 * initialisers need no protobuf library. Field numbers are onnx.proto's.
 */

class Pb {
  private readonly parts: Uint8Array[] = [];
  private len = 0;
  private push(b: Uint8Array) {
    this.parts.push(b);
    this.len += b.length;
  }
  private varint(v: number | bigint) {
    let x = BigInt(v);
    if (x < 0n) x += 1n << 64n;
    const out: number[] = [];
    do {
      let byte = Number(x & 0x7fn);
      x >>= 7n;
      if (x > 0n) byte |= 0x80;
      out.push(byte);
    } while (x > 0n);
    this.push(Uint8Array.from(out));
  }
  int(field: number, v: number) {
    this.varint((field << 3) | 0);
    this.varint(v);
    return this;
  }
  bytes(field: number, b: Uint8Array) {
    this.varint((field << 3) | 2);
    this.varint(b.length);
    this.push(b);
    return this;
  }
  str(field: number, s: string) {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  msg(field: number, m: Pb) {
    return this.bytes(field, m.finish());
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.len);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

const FLOAT = 1;

function tensor(name: string, dims: number[], values: readonly number[]): Pb {
  const t = new Pb();
  for (const d of dims) t.int(1, d);
  t.int(2, FLOAT);
  t.str(8, name);
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  values.forEach((v, n) => view.setFloat32(n * 4, v, true));
  t.bytes(9, raw);
  return t;
}

function valueInfo(name: string, dims: (number | string)[]): Pb {
  const shape = new Pb();
  for (const d of dims) shape.msg(1, typeof d === 'number' ? new Pb().int(1, d) : new Pb().str(2, d));
  const tensorType = new Pb().int(1, FLOAT).msg(2, shape);
  return new Pb().str(1, name).msg(2, new Pb().msg(1, tensorType));
}

function node(op: string, inputs: string[], outputs: string[], name: string): Pb {
  const n = new Pb();
  for (const i of inputs) n.str(1, i);
  for (const o of outputs) n.str(2, o);
  return n.str(3, name).str(4, op);
}

export const PROBE_OPSET = 17;

/** ONNX bytes of the linear probe: input "embedding" [N, D], output "logit" [N, 1]. */
export function probeOnnx(p: { mean: readonly number[]; scale: readonly number[]; weights: readonly number[]; intercept: number }): Uint8Array {
  const d = p.weights.length;
  if (p.mean.length !== d || p.scale.length !== d) throw new RangeError('mean, scale and weights must have the same length');
  const graph = new Pb()
    .msg(1, node('Sub', ['embedding', 'mean'], ['centred'], 'centre'))
    .msg(1, node('Div', ['centred', 'scale'], ['standardised'], 'standardise'))
    .msg(1, node('MatMul', ['standardised', 'weights'], ['product'], 'project'))
    .msg(1, node('Add', ['product', 'intercept'], ['logit'], 'bias'))
    .str(2, 'voxa_fewshot_probe')
    .msg(5, tensor('mean', [d], p.mean))
    .msg(5, tensor('scale', [d], p.scale))
    .msg(5, tensor('weights', [d, 1], p.weights))
    .msg(5, tensor('intercept', [1], [p.intercept]))
    .msg(11, valueInfo('embedding', ['N', d]))
    .msg(12, valueInfo('logit', ['N', 1]));
  return new Pb()
    .int(1, 8) // ir_version 8 (onnxruntime ≥ 1.10 reads it)
    .str(2, 'voxa-fewshot')
    .msg(7, graph)
    .msg(8, new Pb().str(1, '').int(2, PROBE_OPSET))
    .finish();
}
