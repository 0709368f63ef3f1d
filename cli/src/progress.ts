import type { Operation } from '../../core/src/anonymisation/operations.js';

/** `[██████░░░░░░]  50%  500/1000 events  running`; an unknown total shows no percentage. */
export function renderProgress(operation: Operation, width: number): string {
  const { done, total } = operation.progress;
  const ratio = total > 0 ? Math.min(1, done / total) : operation.status === 'done' ? 1 : 0;
  const filled = Math.round(ratio * width);
  const percent =
    total > 0 || operation.status === 'done' ? `${Math.round(ratio * 100)}%`.padStart(4) : '   ?';
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${percent}  ${done}/${total} events  ${operation.status}`;
}

export function isFinished(operation: Operation): boolean {
  return operation.status === 'done' || operation.status === 'failed';
}

/**
 * Polls an operation until it is done or failed, reporting each state it sees. `sleep` is
 * injected so the loop is testable without waiting.
 */
export async function waitForOperation(
  fetchOperation: () => Promise<Operation>,
  onUpdate: (operation: Operation) => void,
  sleep: () => Promise<void>,
): Promise<Operation> {
  for (;;) {
    const operation = await fetchOperation();
    onUpdate(operation);
    if (isFinished(operation)) return operation;
    await sleep();
  }
}
