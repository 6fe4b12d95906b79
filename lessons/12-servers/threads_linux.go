package servers

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// osThreads is the number of OS threads of this process now, from the
// kernel's own count.
func osThreads() (int, string) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return threadsCreated(), "threads created (pprof threadcreate)"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "Threads:"); ok {
			if n, err := strconv.Atoi(strings.TrimSpace(rest)); err == nil {
				return n, "OS threads (/proc/self/status)"
			}
		}
	}
	return threadsCreated(), "threads created (pprof threadcreate)"
}
