package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// copier copies a folder with a pool of copyWorkers goroutines that
// take file names from the jobs channel, and one more goroutine that
// owns the progress total: the workers only send what they copied on
// the progress channel, so the bar needs no lock and never goes back.
func copier(ctx context.Context, s *lesson.Stage) error {
	work, err := os.MkdirTemp("", "conclab-copier-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	from, into := filepath.Join(work, "from"), filepath.Join(work, "into")
	for _, d := range []string{from, into} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return err
		}
	}
	names, total, err := makeFiles(from, copyFiles)
	if err != nil {
		return err
	}
	s.Heading("Copying %d files (%s bytes) with a pool of %d workers", len(names), lesson.Number(float64(total)), copyWorkers)

	// progress carries the bytes each chunk copied, from every worker to
	// the one goroutine that adds them up and draws the bar: the total has
	// one owner and needs no lock.
	progress := make(chan int)
	type summary struct {
		reports   int
		falls     int // reports lower than the one before: must stay 0
		final     float64
		finalSeen int
	}
	drawn := make(chan summary, 1)
	go func() {
		var sum summary
		done, last, step := 0, -1.0, -1
		for n := range progress {
			done += n
			pct := 100 * float64(done) / float64(total)
			sum.reports++
			if pct < last {
				sum.falls++
			}
			last = pct
			if int(pct/10) != step { // redraw every 10%
				step = int(pct / 10)
				s.Say("  copy progress %s", bar(pct))
			}
		}
		sum.final, sum.finalSeen = last, done
		drawn <- sum
	}()

	var busy gauge
	jobs := make(chan string)
	errs := make([]error, copyWorkers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range copyWorkers {
		lane := s.Lane(fmt.Sprintf("worker %d", w+1))
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane.Start()
			defer lane.Done()
			for name := range jobs {
				if errs[w] != nil {
					continue // drain: the sender must not block
				}
				busy.enter()
				lane.Acquired(name)
				errs[w] = copyFile(ctx, s, from, into, name, func(n int) { progress <- n })
				lane.Released(name)
				busy.leave()
			}
		}()
	}
	for _, name := range names {
		jobs <- name
	}
	close(jobs)
	wg.Wait()
	close(progress) // every sender is done: the reader's range ends
	sum := <-drawn
	elapsed := time.Since(start)
	if err := errors.Join(errs...); err != nil {
		return err
	}

	identical := 0
	for _, name := range names {
		if sameFile(filepath.Join(from, name), filepath.Join(into, name)) {
			identical++
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(into, "*.part"))
	s.Finding("files", float64(len(names)), "")
	s.Finding("identical", float64(identical), "copies with the same SHA-256")
	s.Finding("peak-workers", float64(busy.highest()), fmt.Sprintf("copying at once, pool of %d", copyWorkers))
	s.Finding("progress-reports", float64(sum.reports), "chunks reported")
	s.Finding("progress-falls", float64(sum.falls), "reports lower than the one before")
	s.Finding("progress-final", sum.final, "%")
	s.Finding("part-files", float64(len(leftovers)), "temporary files left")
	s.FindingDuration("elapsed", elapsed)
	s.Say("Workers only send; one goroutine owns the total and draws the bar, so")
	s.Say("the bar never goes back. The channel is closed after wg.Wait: once no")
	s.Say("worker can send any more.")
	return nil
}

// The folder copier: copyFiles files copied by a pool of copyWorkers, on a
// disk that moves one chunk per chunkTime (a sleep per chunk stands for a
// slow disk or a network share).
const (
	copyFiles   = 20
	copyWorkers = 5
	chunk       = 16 << 10
	chunkTime   = 20 * time.Millisecond
)

// slowCopy copies src to dst a chunk at a time at the slow disk's pace and
// calls copied after each chunk.
func slowCopy(ctx context.Context, s *lesson.Stage, dst io.Writer, src io.Reader, copied func(n int)) error {
	buf := make([]byte, chunk)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if _, err := dst.Write(buf[:n]); err != nil {
				return err
			}
			copied(n)
			if err := s.Sleep(ctx, chunkTime); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// copyFile copies dir/name to into/name through a temporary name, renamed
// only once the copy is whole: a cancelled copy never leaves a
// half-written file under the final name.
func copyFile(ctx context.Context, s *lesson.Stage, from, into, name string, copied func(int)) error {
	src, err := os.Open(filepath.Join(from, name))
	if err != nil {
		return err
	}
	defer src.Close()
	part := filepath.Join(into, name+".part")
	dst, err := os.Create(part)
	if err != nil {
		return err
	}
	err = slowCopy(ctx, s, dst, src, copied)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(part)
		return err
	}
	return os.Rename(part, filepath.Join(into, name))
}

// makeFiles writes n files of random sizes and contents (the same every
// run) into dir and returns their names and total size.
func makeFiles(dir string, n int) ([]string, int, error) {
	rng := rand.New(rand.NewPCG(15, 16))
	var names []string
	total := 0
	for i := range n {
		name := fmt.Sprintf("photo-%02d.jpg", i+1)
		data := make([]byte, chunk/2+rng.IntN(6*chunk))
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return nil, 0, err
		}
		names = append(names, name)
		total += len(data)
	}
	return names, total, nil
}

// bar draws a progress bar: [##########----------]  50.00%.
func bar(pct float64) string {
	full := int(pct / 5)
	return "[" + strings.Repeat("#", full) + strings.Repeat("-", 20-full) + fmt.Sprintf("] %6.2f%%", pct)
}
