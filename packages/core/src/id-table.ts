/**
 * Items by integer id, for ids handed out in increasing order and released
 * in about the same order: the requests a client pool or a client holds.
 *
 * Why not a `Map`: a `Map` whose keys keep changing (one added and one
 * removed per request) rebuilds its hash table every few dozen requests.
 * On V8 the table it gives up keeps its entries and a link to the new one;
 * once such a table has reached the old generation, every later table in
 * the chain, and the requests they held, are kept alive by it until the
 * next full collection: most requests then outlive two young-generation
 * collections and are promoted (measured: ~650 bytes promoted per request
 * of a pooled client, against ~3 with this table).
 *
 * A {@link IdTable} is a ring of slots indexed by `id & mask`: lookups are
 * one array read and a compare, and a steady flow of ids allocates nothing.
 * It grows (doubling) when two live ids meet on one slot, as long as it
 * stays within {@link SPREAD} slots per item; past that, the older of the
 * two moves to a `Map` of stragglers, so one long-lived item among many
 * short ones costs one `Map` entry, never a ring as wide as the ids it spans.
 * After a burst it shrinks again ({@link SHRINK_ABOVE}).
 */

/** Slots per item the ring may grow to before older items go to the stragglers. */
const SPREAD = 8;

/** The ring's first size (a power of two). */
const INITIAL_SLOTS = 16;

/**
 * A ring wider than this shrinks to a quarter once it is less than
 * 1/(4 × {@link SPREAD}) full, so a burst of requests leaves no wide ring
 * behind (a `Map` gives its table back too).
 */
const SHRINK_ABOVE = 256;

/** Something kept by its id (a positive safe integer). */
export interface HasId {
  readonly id: number;
}

/** See the module comment. */
export class IdTable<T extends HasId> {
  private slots: (T | undefined)[] = emptySlots<T>(INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  /** Items in the ring. */
  private inRing = 0;
  /** Items that met a newer one on their slot when the ring could not grow. */
  private stragglers: Map<number, T> | null = null;

  /** Items held. */
  get size(): number {
    return this.inRing + (this.stragglers === null ? 0 : this.stragglers.size);
  }

  /** The item with this id, if held. */
  get(id: number): T | undefined {
    const item = this.slots[id & this.mask];
    if (item !== undefined && item.id === id) return item;
    return this.stragglers === null ? undefined : this.stragglers.get(id);
  }

  /** Holds `item` under its id (replacing one with the same id). */
  set(item: T): void {
    const id = item.id;
    if (this.stragglers?.has(id)) {
      this.stragglers.set(id, item);
      return;
    }
    for (;;) {
      const i = id & this.mask;
      const there = this.slots[i];
      if (there === undefined) {
        this.slots[i] = item;
        this.inRing++;
        return;
      }
      if (there.id === id) {
        this.slots[i] = item;
        return;
      }
      if (this.slots.length * 2 <= SPREAD * (this.size + 1)) {
        this.resize(this.slots.length * 2);
        continue;
      }
      // The older of the two leaves the ring; the newer has the slot.
      if (there.id < id) {
        this.straggle(there);
        this.slots[i] = item;
      } else this.straggle(item);
      return;
    }
  }

  /** Lets go of the item with this id; true when one was held. */
  delete(id: number): boolean {
    const i = id & this.mask;
    const item = this.slots[i];
    if (item !== undefined && item.id === id) {
      this.slots[i] = undefined;
      this.inRing--;
      const width = this.slots.length;
      if (width > SHRINK_ABOVE && this.inRing * SPREAD * 4 < width) this.resize(width / 4);
      return true;
    }
    return this.stragglers?.delete(id) ?? false;
  }

  /** Every item held, in increasing id order (a new list). */
  values(): T[] {
    const out: T[] = [];
    for (const item of this.slots) if (item !== undefined) out.push(item);
    if (this.stragglers !== null) for (const item of this.stragglers.values()) out.push(item);
    return out.sort(byId);
  }

  private straggle(item: T): void {
    if (this.stragglers === null) this.stragglers = new Map();
    this.stragglers.set(item.id, item);
  }

  /** Rebuilds the ring at `size` slots; items that meet on a slot leave it, older first. */
  private resize(size: number): void {
    const old = this.slots;
    const slots = emptySlots<T>(size);
    const mask = size - 1;
    let inRing = 0;
    for (const item of old) {
      if (item === undefined) continue;
      const i = item.id & mask;
      const there = slots[i];
      if (there === undefined) {
        slots[i] = item;
        inRing++;
      } else if (there.id < item.id) {
        this.straggle(there);
        slots[i] = item;
      } else this.straggle(item);
    }
    this.slots = slots;
    this.mask = mask;
    this.inRing = inRing;
  }
}

function emptySlots<T>(n: number): (T | undefined)[] {
  return new Array<T | undefined>(n).fill(undefined);
}

function byId(a: HasId, b: HasId): number {
  return a.id - b.id;
}
