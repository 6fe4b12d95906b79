// Package probe health-checks a set of hosts in parallel and fails fast,
// in the style of deploy and monitoring tools: one goroutine per host,
// results on a channel, return on the first error.
package probe

import "fmt"

// Check reports whether host is healthy.
type Check func(host string) error

// All checks every host and returns the first error, or nil if every
// host is healthy.
func All(hosts []string, check Check) error {
	errs := make(chan error)
	for _, host := range hosts {
		go func() {
			err := check(host)
			if err != nil {
				err = fmt.Errorf("%s: %w", host, err)
			}
			errs <- err
		}()
	}
	for range hosts {
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}
