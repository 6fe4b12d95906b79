// Rwbench measures sync.Mutex against sync.RWMutex on the same table, for
// a read-mostly, a write-heavy and a write-only workload and 1 to 64
// goroutines, side by side in one run, and prints a table with the ratio
// per row.
//
// Usage:
//
//	go run ./lessons/04-rwmutex/cmd/rwbench [-time 200ms] [-count 3]
//
// Each cell is the best (lowest) of -count measurements, each running for
// at least -time. A ratio below 1 means the RWMutex was faster. Figures
// vary with the machine, its core count and its load:
//
//	workload     goroutines  mutex ns/op  rwmutex ns/op  rw/mutex
//	read-mostly           1        123.4           98.7      0.80
//	...
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"text/tabwriter"
	"time"

	rwmutex "github.com/conclab/conclab/lessons/04-rwmutex"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("rwbench: ")
	minTime := flag.Duration("time", 200*time.Millisecond, "minimum duration of each measurement")
	count := flag.Int("count", 3, "measurements per cell; the best is kept")
	flag.Parse()
	if *count < 1 || *minTime <= 0 {
		log.Fatal("-count must be at least 1 and -time positive")
	}

	fmt.Printf("GOMAXPROCS=%d, %d CPUs, %s\n\n", runtime.GOMAXPROCS(0), runtime.NumCPU(), runtime.Version())
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workload\tgoroutines\tmutex ns/op\trwmutex ns/op\trw/mutex\t")
	for _, w := range rwmutex.Workloads {
		for g := 1; g <= 64; g *= 2 {
			mu, rw := best(), best()
			// Alternate the two locks so that a change in the machine's
			// load hits both alike.
			for range *count {
				mu = min(mu, measure(&rwmutex.MutexTable{}, w, g, *minTime))
				rw = min(rw, measure(&rwmutex.RWTable{}, w, g, *minTime))
			}
			fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.1f\t%.2f\t\n", w.Name, g, mu, rw, rw/mu)
		}
	}
	if err := tw.Flush(); err != nil {
		log.Fatal(err)
	}
}

func best() float64 { return 1e18 }

// measure runs the workload with more and more operations until one run
// lasts at least minTime, and returns its nanoseconds per operation.
func measure(t rwmutex.Table, w rwmutex.Workload, goroutines int, minTime time.Duration) float64 {
	ops := 1000
	for {
		begin := time.Now()
		rwmutex.Hammer(t, w, goroutines, ops)
		took := time.Since(begin)
		if took >= minTime {
			return float64(took.Nanoseconds()) / float64(ops)
		}
		// Aim a fifth past minTime, growing at least 2x and at most 100x.
		guess := float64(ops) * 1.2 * float64(minTime) / float64(max(took, time.Microsecond))
		ops = int(min(max(guess, float64(ops)*2), float64(ops)*100))
	}
}
