// pass: level by level, an errgroup with SetLimit per level (the lesson's crawler)
// Each level's fetches run in one group; the links they find make the next level. errgroup cancels before it frees a slot, and each fetch checks the context first, so nothing starts after an error.
package crawler

import (
	"context"
	"errors"
	"sync"

	"golang.org/x/sync/errgroup"
)

var ErrLimit = errors.New("crawler: limit must be at least 1")

type Fetch func(ctx context.Context, url string) ([]string, error)

func Crawl(ctx context.Context, start string, limit int, fetch Fetch) ([]string, error) {
	if limit < 1 {
		return nil, ErrLimit
	}
	var mu sync.Mutex
	visited := map[string]bool{start: true}
	var pages []string
	level := []string{start}
	for len(level) > 0 {
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(limit)
		var next []string
		for _, url := range level {
			g.Go(func() error {
				if err := gctx.Err(); err != nil {
					return err
				}
				links, err := fetch(gctx, url)
				if err != nil {
					return err
				}
				mu.Lock()
				defer mu.Unlock()
				pages = append(pages, url)
				for _, l := range links {
					if !visited[l] {
						visited[l] = true
						next = append(next, l)
					}
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
		level = next
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return pages, nil
}
