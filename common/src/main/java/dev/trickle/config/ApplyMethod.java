package dev.trickle.config;

/** How sync writes a batch into the target ({@code sync.apply}). */
public enum ApplyMethod {
  /**
   * A batch that only upserts replaces the target's rows of its keys (Delta's {@code replaceOn}
   * write: with deletion vectors only the key column is scanned); other batches MERGE.
   */
  AUTO,
  /** Every batch MERGEs: the target's change data feed then shows updates as pre- and post-images. */
  MERGE
}
