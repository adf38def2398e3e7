import { useRef, useState } from 'preact/hooks';
import { ApiError, type Api } from '../api/client.ts';
import type { Label, LabelUpdate } from '../api/types.ts';

/** After this long without an answer the page says the update is waiting (a blocking webhook may take up to 2 s). */
const WAITING_AFTER_MS = 400;

/** Where the last label update stands: sending, waiting on the label gate, vetoed by it, refused, or done. */
export type UpdateState =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'waiting' }
  | { kind: 'vetoed'; reason: string }
  | { kind: 'failed'; message: string };

/**
 * Sends label updates one at a time (each change is one `POST /documents/{id}/labels`, so it emits exactly the
 * API's events) and answers the labels the server says are now on the document. A veto changes nothing here.
 */
export function useLabelUpdate(api: Api, documentId: string, onLabels: (labels: Label[]) => void) {
  const [state, setState] = useState<UpdateState>({ kind: 'idle' });
  const busy = useRef(false);
  const send = async (update: LabelUpdate): Promise<boolean> => {
    if (busy.current) return false;
    busy.current = true;
    setState({ kind: 'sending' });
    const timer = setTimeout(() => setState((s) => (s.kind === 'sending' ? { kind: 'waiting' } : s)), WAITING_AFTER_MS);
    try {
      const answer = await api.updateLabels(documentId, update);
      onLabels(answer.data);
      setState({ kind: 'idle' });
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'gate_rejected') {
        const reason = (err.details as { reason?: string } | null)?.reason ?? err.message;
        setState({ kind: 'vetoed', reason });
      } else setState({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
      return false;
    } finally {
      clearTimeout(timer);
      busy.current = false;
    }
  };
  return { state, send, clear: () => setState({ kind: 'idle' }) };
}
