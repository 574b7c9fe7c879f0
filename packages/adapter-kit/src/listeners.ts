/** A minimal typed listener set for observability events. */
export class Listeners<E> {
  private readonly set = new Set<(event: E) => void>();

  /** Adds a listener; returns the function that removes it. */
  add(listener: (event: E) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  /** True when someone listens (so events need not be built otherwise). */
  get active(): boolean {
    return this.set.size > 0;
  }

  emit(event: E): void {
    for (const listener of this.set) listener(event);
  }
}
