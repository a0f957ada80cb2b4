// Harts as GDB threads: thread id = mhartid + 1 (GDB reserves 0 for "any thread" and -1 for "all
// threads"), named "hart N". The pieces of the remote protocol that speak of threads — thread ids in
// H, T, qThreadExtraInfo and vCont, the qXfer:threads:read document — parsed and built here, with
// no machine state: the stub passes what a hart is doing as text.

/** A thread id in a packet: a hart index, 'all' (-1) or 'any' (0). */
export type ThreadSel = number | 'all' | 'any';

export const threadId = (hart: number): number => hart + 1;

/** The name GDB shows in `info threads` (and the shell's `info harts` beside it). */
export const threadName = (hart: number): string => `hart ${hart}`;

/** `-1`, `0` or a hex thread id; undefined when malformed. A hart index past `harts` is malformed too. */
export function parseThread(text: string, harts: number): ThreadSel | undefined {
  if (text === '-1') return 'all';
  if (!/^[0-9a-fA-F]+$/.test(text)) return undefined;
  const n = parseInt(text, 16);
  if (n === 0) return 'any';
  return n <= harts ? n - 1 : undefined;
}

/** The thread ids for qfThreadInfo's reply: `m1,2,3`. */
export function threadList(harts: number): string {
  return 'm' + Array.from({ length: harts }, (_, i) => threadId(i).toString(16)).join(',');
}

/** qXfer:threads:read's document: each hart with its name, core and extra text (privilege, WFI). */
export function threadsXml(extra: readonly string[]): string {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return [
    '<?xml version="1.0"?>',
    '<threads>',
    ...extra.map((x, i) => `  <thread id="${threadId(i).toString(16)}" core="${i}" name="${threadName(i)}">${esc(x)}</thread>`),
    '</threads>',
    '',
  ].join('\n');
}

/** One qXfer read of `doc` at off/len: `m` + part while more follows, `l` + the rest at the end. */
export function xferSlice(doc: string, off: number, len: number): string {
  return (off + len >= doc.length ? 'l' : 'm') + doc.slice(off, off + len);
}

export interface VContAction {
  readonly action: 'c' | 's' | 't' | 'r';
  readonly thread: ThreadSel;
}

/** `vCont;s:2;c` → its actions (signals are accepted and dropped: a hart has none); undefined when malformed. */
export function parseVCont(body: string, harts: number): VContAction[] | undefined {
  if (body === '') return undefined;
  const out: VContAction[] = [];
  for (const part of body.split(';')) {
    const m = /^([cCsStr])([0-9a-fA-F]{2})?(?:,[0-9a-fA-F]+,[0-9a-fA-F]+)?(?::(-1|[0-9a-fA-F]+))?$/.exec(part);
    if (!m) return undefined;
    const letter = m[1]!;
    if ((letter === 'C' || letter === 'S') !== (m[2] !== undefined)) return undefined;
    const thread = m[3] === undefined ? 'all' : parseThread(m[3], harts);
    if (thread === undefined) return undefined;
    out.push({ action: letter === 'C' ? 'c' : letter === 'S' ? 's' : (letter as 'c' | 's' | 't' | 'r'), thread });
  }
  return out;
}

/**
 * What an all-stop target does with a vCont: each hart takes the leftmost action naming it (the
 * protocol's rule; a bare action names every hart not named before it). One hart steps (GDB steps
 * one thread at a time); `others` says whether the rest run meanwhile — `vCont;s:2;c` (scheduler-
 * locking off) lets them, `vCont;s:2` (GDB stepping over a breakpoint, or scheduler-locking on) does
 * not. Without a step, `only` is the one hart named to continue when the others are left stopped.
 */
export interface VContPlan {
  /** The hart that steps, if any. */
  readonly step: number | undefined;
  /** With a step: the other harts run by the scheduler until it has. */
  readonly others: boolean;
  /** Without a step: run only this hart (undefined: every hart). */
  readonly only: number | undefined;
}

export function planVCont(actions: readonly VContAction[], harts: number, current: number): VContPlan | undefined {
  const per: ('c' | 's' | undefined)[] = [];
  for (let i = 0; i < harts; i++) {
    const a = actions.find((x) => x.thread === 'all' || x.thread === i || (x.thread === 'any' && i === current));
    per.push(a && (a.action === 'c' || a.action === 's') ? a.action : undefined);
  }
  const stepping = per.findIndex((a) => a === 's');
  if (stepping >= 0) return { step: stepping, others: per.some((a, i) => i !== stepping && a !== undefined), only: undefined };
  const running = per.flatMap((a, i) => (a === 'c' ? [i] : []));
  if (running.length === 0) return undefined;
  // The board runs one hart alone or all of them: a subset of two or more runs them all.
  return { step: undefined, others: true, only: running.length === 1 && harts > 1 ? running[0] : undefined };
}
