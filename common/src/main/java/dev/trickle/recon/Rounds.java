package dev.trickle.recon;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A task's output handed on round by round: {@link #nextRound} works through some input and adds
 * what it finished to the queue. Lazy, so a task holds one round's output at a time.
 */
abstract class Rounds<T> implements Iterator<T> {
  private final Deque<T> ready = new ArrayDeque<>();

  /** Works on and adds any finished output to {@code out}; false once there is nothing left to do. */
  protected abstract boolean nextRound(Deque<T> out);

  @Override
  public final boolean hasNext() {
    while (ready.isEmpty() && nextRound(ready)) {
      // until a round hands something on, or the input is done
    }
    return !ready.isEmpty();
  }

  @Override
  public final T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }
}
