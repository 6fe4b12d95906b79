// pass: workers add to a total and call report under one mutex, no progress goroutine
// The lock makes the calls one at a time and orders them: each report sees the total after every earlier one.
package copier

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// ErrWorkers is returned when workers is less than 1.
var ErrWorkers = errors.New("copier: workers must be at least 1")

// CopyDir copies every regular file at the top of src into the folder dst
// with a pool of workers goroutines. It calls report(done, total) from
// one goroutine at a time, done never going down, and for the last time
// with done == total when the copy succeeds. A copy that fails or is
// cancelled leaves no file in dst but whole copies.
func CopyDir(ctx context.Context, dst string, src fs.FS, workers int, report func(done, total int64)) error {
	if workers < 1 {
		return ErrWorkers
	}
	entries, err := fs.ReadDir(src, ".")
	if err != nil {
		return err
	}
	var names []string
	var total int64
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		names = append(names, e.Name())
		total += info.Size()
	}

	// The running total is guarded by mu, and report is called with mu
	// held: one call at a time, each with a total no lower than the last.
	var mu sync.Mutex
	var done int64
	copied := func(n int64) {
		mu.Lock()
		defer mu.Unlock()
		done += n
		report(done, total)
	}

	cctx, cancel := context.WithCancel(ctx)
	jobs := make(chan string)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for name := range jobs {
				if errs[w] != nil || cctx.Err() != nil {
					continue // stopping: take the rest of the names, copy nothing
				}
				if errs[w] = copyFile(cctx, dst, src, name, copied); errs[w] != nil {
					cancel() // the first error stops the other workers
				}
			}
		})
	}
	for _, name := range names {
		jobs <- name
	}
	close(jobs)
	wg.Wait()
	cancel()
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	return nil
}

// copyFile copies src/name to dst/name through a temporary file in dst,
// renamed to its final name only once it is whole, and sends the size of
// every chunk it writes on copied.
func copyFile(ctx context.Context, dst string, src fs.FS, name string, copied func(int64)) error {
	in, err := src.Open(name)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(dst, "."+name+".part-*")
	if err != nil {
		return err
	}
	if err := fill(ctx, tmp, in, copied); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dst, name))
}

// fill copies in to out a chunk at a time, stopping when ctx is done.
func fill(ctx context.Context, out io.Writer, in io.Reader, copied func(int64)) error {
	buf := make([]byte, 32<<10)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := in.Read(buf)
		if n > 0 {
			if _, err := out.Write(buf[:n]); err != nil {
				return err
			}
			copied(int64(n))
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
