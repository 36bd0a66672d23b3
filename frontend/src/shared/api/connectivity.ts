/** Whether the API answers, and who wants to know (the banner) or to retry (pages that load data). */
type Listener = () => void;

function createConnectivity() {
  let up = true;
  const listeners = new Set<Listener>();
  const retryHandlers = new Set<Listener>();
  return {
    isUp: () => up,
    set(next: boolean) {
      if (next === up) return;
      up = next;
      listeners.forEach((l) => l());
    },
    subscribe(listener: Listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    /** Pages register what to re-run when the user presses "retry". */
    onRetry(handler: Listener) {
      retryHandlers.add(handler);
      return () => {
        retryHandlers.delete(handler);
      };
    },
    retry() {
      retryHandlers.forEach((h) => h());
    },
  };
}

export const connectivity = createConnectivity();
export type Connectivity = ReturnType<typeof createConnectivity>;
