package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// halves copies one large file in one piece, then in two halves, each
// half in a goroutine of its own (copyInParts) with ReadAt and WriteAt.
func halves(ctx context.Context, s *lesson.Stage) error {
	work, err := os.MkdirTemp("", "conclab-halves-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	src := filepath.Join(work, "movie.mp4")
	data := make([]byte, bigSize)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	if err := os.WriteFile(src, data, 0o644); err != nil {
		return err
	}

	s.Heading("One file of %s bytes, on a disk that moves %s bytes per %v", lesson.Number(bigSize), lesson.Number(chunk), s.Scale(chunkTime))
	start := time.Now()
	if _, err := copyInParts(ctx, s, filepath.Join(work, "whole.mp4"), src, 1); err != nil {
		return err
	}
	whole := time.Since(start)
	s.Say("  in one piece:   %v", whole.Round(time.Millisecond))
	if err := s.Pause(ctx, "two goroutines, one half each: how long?"); err != nil {
		return err
	}
	start = time.Now()
	peak, err := copyInParts(ctx, s, filepath.Join(work, "halves.mp4"), src, 2)
	if err != nil {
		return err
	}
	split := time.Since(start)
	s.Say("  in two halves:  %v", split.Round(time.Millisecond))
	identical := 0
	for _, name := range []string{"whole.mp4", "halves.mp4"} {
		if sameFile(src, filepath.Join(work, name)) {
			identical++
		}
	}
	s.FindingDuration("elapsed-whole", whole)
	s.FindingDuration("elapsed-halves", split)
	s.Finding("peak-halves", float64(peak), "halves copying at once")
	s.Finding("identical", float64(identical), "of 2 copies with the same SHA-256 as the original")
	s.Say("ReadAt and WriteAt take the offset as an argument: the two goroutines")
	s.Say("share one *os.File each way without sharing a position (Seek then")
	s.Say("Write would race). Halves help when the bottleneck is per stream, like")
	s.Say("a network share; on one local disk, measure before you split.")
	return nil
}

// bigSize is the large file's size: 32 chunks on the slow disk.
const bigSize = 32 * chunk

// copyRange copies size bytes at offset off from src to the same offset
// of dst, with ReadAt and WriteAt: each call names its own offset, so two
// goroutines can use one *os.File without sharing a file position.
func copyRange(ctx context.Context, s *lesson.Stage, dst, src *os.File, off, size int64) error {
	buf := make([]byte, chunk)
	for end := off + size; off < end; {
		n, err := src.ReadAt(buf[:min(int64(len(buf)), end-off)], off)
		if n > 0 {
			if _, err := dst.WriteAt(buf[:n], off); err != nil {
				return err
			}
			off += int64(n)
			if err := s.Sleep(ctx, chunkTime); err != nil {
				return err
			}
		}
		if err != nil && !(errors.Is(err, io.EOF) && off == end) {
			return err
		}
	}
	return nil
}

// copyInParts copies src into a new file dst with parts goroutines, each
// taking its own range, and returns the most that ran at once.
func copyInParts(ctx context.Context, s *lesson.Stage, dst, src string, parts int) (int, error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return 0, err
	}
	out, err := os.Create(dst)
	if err != nil {
		return 0, err
	}
	defer out.Close()
	size := info.Size()
	if err := out.Truncate(size); err != nil { // the whole length first: every part writes into it
		return 0, err
	}
	var busy gauge
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for i := range int64(parts) {
		off, end := size*i/int64(parts), size*(i+1)/int64(parts)
		lane := s.Lane(fmt.Sprintf("part %d of %d", i+1, parts))
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane.Start()
			defer lane.Done()
			busy.enter()
			defer busy.leave()
			errs[i] = copyRange(ctx, s, out, in, off, end-off)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return 0, err
	}
	return busy.highest(), out.Close()
}
