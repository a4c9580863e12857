import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ends an agent that a parent process runs as its child (`hoist demo`) when that parent is gone,
/// even by `kill -9`, which gives the parent no chance to stop it: an orphaned agent would go on
/// uploading to an emulator that died with the parent, waiting for a network that never returns.
///
/// The kernel re-parents an orphan, so `getppid()` no longer being the parent's pid is the sign.
/// It is polled once a second on a thread of its own (no `prctl(PR_SET_PDEATHSIG)`, a variadic C
/// call Swift cannot make); the answer is SIGTERM to this process, which the agent handles like
/// any stop: no new files, running jobs end where they can resume.
public enum ParentWatch {
    /// Starts watching for `parent` to go; if it is already gone, SIGTERM follows at once.
    public static func terminateWhenGone(parent: pid_t, interval: Double = 1) {
        Thread.detachNewThread {
            while getppid() == parent {
                Thread.sleep(forTimeInterval: interval)
            }
            kill(getpid(), SIGTERM)
        }
    }
}
