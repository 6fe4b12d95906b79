//go:build unix

package servers

import "syscall"

// fdLimit returns the soft limit on open files, first raising it to the
// hard limit if it is below want. (Since Go 1.19 package os already raises
// it at start-up on Unix systems; this is in case it could not, or the
// limit was lowered since.)
func fdLimit(want int) int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return want // cannot tell: try, and let Dial or Accept fail loudly
	}
	if uint64(lim.Cur) < uint64(want) && uint64(lim.Cur) < uint64(lim.Max) {
		raised := lim
		raised.Cur = lim.Max
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised) == nil {
			lim = raised
		}
	}
	if uint64(lim.Cur) > 1<<30 {
		return 1 << 30
	}
	return int(lim.Cur)
}
