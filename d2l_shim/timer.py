"""A stopwatch that keeps the length of every timed interval."""

import time

import numpy as np


class Timer:
    """Record several running times; the clock starts on construction."""

    def __init__(self):
        self.times = []
        self.start()

    def start(self):
        """Start (or restart) the clock."""
        self.tik = time.perf_counter()

    def stop(self):
        """Stop the clock, record the interval since :meth:`start` and return it in seconds."""
        self.times.append(time.perf_counter() - self.tik)
        return self.times[-1]

    def avg(self):
        """Return the mean of the recorded intervals."""
        return sum(self.times) / len(self.times)

    def sum(self):
        """Return the total of the recorded intervals."""
        return sum(self.times)

    def cumsum(self):
        """Return the running totals of the recorded intervals, as a list of floats."""
        return np.array(self.times).cumsum().tolist()
