package exercises

import "time"

var copier = Exercise{
	Number:  15,
	Slug:    "copier",
	Title:   "A folder copier with a pool and a progress bar",
	Lesson:  "crawler",
	Files:   []string{"copier.go"},
	Imports: []string{"context", "errors", "fmt", "io", "io/fs", "os", "path/filepath", "strings", "sync", "sync/atomic"},
	Hints: [3]string{
		"Who adds up the progress? If every worker computes and reports the total itself, reports overlap and arrive out of order. Give the total one owner. And a copy is visible under its name only when it is whole: where does it live until then?",
		"Start the workers (ranging over a channel of names) and one progress goroutine that ranges over a channel of byte counts, adds them up and calls report. Each worker copies a chunk at a time into os.CreateTemp(dst, ...), sends the chunk's size, checks ctx between chunks, and renames the file when it is whole (removes it otherwise). After wg.Wait, close the progress channel and wait for its goroutine.",
		`The one owner of the total:

	copied := make(chan int64)
	reported := make(chan struct{})
	go func() {
		defer close(reported)
		var done int64
		for n := range copied {
			done += n
			report(done, total)
		}
	}()

Each worker, for every name it receives (skipping them all once it
or ctx has failed): open the source, tmp := os.CreateTemp(dst,
"."+name+".part-*"), then for each chunk check ctx.Err(), Read, Write
and send copied <- int64(n); on an error tmp.Close() and
os.Remove(tmp.Name()); at EOF tmp.Close() and os.Rename(tmp.Name(),
filepath.Join(dst, name)). After the workers: close(jobs) was done by
the sender, so wg.Wait(), then close(copied) and <-reported.`,
	},
	// Six tests of well under a second; against a copier that opens one
	// file at a time, the pool test waits 2 s per case and the cancel
	// test 3 s.
	Timeout: 60 * time.Second,
}
