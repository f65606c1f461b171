package io.iotpipeline.it;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition until it holds, for checks on an asynchronous pipeline without fixed sleeps. */
public final class Eventually {

    private Eventually() {
    }

    public static void await(Duration timeout, String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
                last = null;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what, last);
    }
}
