// Package check is a link checker in the style of many CLI tools: one
// goroutine per link, a shared tally of the links that worked, and a
// channel for the errors of the links that did not.
package check

import (
	"fmt"
	"sync"
)

// Report is the outcome of a check.
type Report struct {
	OK     int
	Broken []error
}

// Links checks every link with get and reports how many worked.
func Links(links []string, get func(link string) error) Report {
	var report Report
	errs := make(chan error)
	var wg sync.WaitGroup
	for _, link := range links {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := get(link); err != nil {
				errs <- fmt.Errorf("%s: %w", link, err)
				return
			}
			report.OK++
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		report.Broken = append(report.Broken, err)
	}
	return report
}
