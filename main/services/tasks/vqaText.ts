/**
 * Question handling for VQA packs: tokenisation as the training recipe does it
 * (lowercase, words = runs of [a-z0-9], 0 = padding, 1 = unknown word) and the
 * answer type (RadImageNet-VQA's closed yes/no, multiple choice among offered
 * options, open answer from the vocabulary).
 */
import type { VqaVocab } from './taskConfig';

export function words(question: string): string[] {
  return question.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

export function tokenise(question: string, vocab: VqaVocab): { ids: BigInt64Array; unknown: string[] } {
  const ids = new BigInt64Array(vocab.maxTokens);
  const unknown: string[] = [];
  words(question)
    .slice(0, vocab.maxTokens)
    .forEach((w, n) => {
      const id = vocab.words[w];
      if (id === undefined) unknown.push(w);
      ids[n] = BigInt(id ?? 1);
    });
  return { ids, unknown };
}

export type AnswerType = 'yes/no' | 'multiple-choice' | 'open';

const YES_NO_START = /^\s*(is|are|was|were|does|do|did|has|have|can|could|should|would|will)\b/i;

/**
 * Options offered in the question itself ("…: thorax or abdomen?", "… a, b or
 * c?") that are answers of the vocabulary, longest first so "lung nodule" wins
 * over "lung".
 */
export function optionsInQuestion(question: string, answers: readonly string[]): string[] {
  const q = ` ${words(question).join(' ')} `;
  if (!/\bor\b/.test(q)) return [];
  const found = answers.filter((a) => a !== 'yes' && a !== 'no' && q.includes(` ${words(a).join(' ')} `));
  return found.length >= 2 ? found : [];
}

/** The answer type and the answers allowed for it. */
export function answerSpace(question: string, answers: readonly string[], offered?: readonly string[]): { type: AnswerType; allowed: string[]; notInVocabulary: string[] } {
  const norm = (s: string) => words(s).join(' ');
  if (offered && offered.length) {
    const known = answers.map(norm);
    const allowed = offered.map(norm).filter((o) => known.includes(o));
    return { type: 'multiple-choice', allowed: answers.filter((a) => allowed.includes(norm(a))), notInVocabulary: offered.filter((o) => !known.includes(norm(o))) };
  }
  const inText = optionsInQuestion(question, answers);
  if (inText.length) return { type: 'multiple-choice', allowed: inText, notInVocabulary: [] };
  if (YES_NO_START.test(question) && answers.includes('yes') && answers.includes('no')) return { type: 'yes/no', allowed: ['yes', 'no'], notInVocabulary: [] };
  return { type: 'open', allowed: [...answers], notInVocabulary: [] };
}

/** Softmax over the allowed answers only (of logits / temperature): [{answer, probability}] sorted, best first. */
export function rankAnswers(logits: ArrayLike<number>, answers: readonly string[], allowed: readonly string[], temperature = 1): { answer: string; probability: number }[] {
  const idx = allowed.map((a) => answers.indexOf(a)).filter((i) => i >= 0);
  const max = Math.max(...idx.map((i) => logits[i] as number));
  const exps = idx.map((i) => Math.exp(((logits[i] as number) - max) / temperature));
  const total = exps.reduce((a, b) => a + b, 0);
  return idx.map((i, n) => ({ answer: answers[i] as string, probability: (exps[n] as number) / total })).sort((a, b) => b.probability - a.probability);
}
