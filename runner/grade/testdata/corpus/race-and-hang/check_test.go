package check

import (
	"errors"
	"testing"
)

func TestLinks(t *testing.T) {
	get := func(link string) error {
		if link == "/gone" {
			return errors.New("404 not found")
		}
		return nil
	}
	r := Links([]string{"/", "/docs", "/gone"}, get)
	if r.OK != 2 || len(r.Broken) != 1 {
		t.Fatalf("Links = %d ok, %d broken; want 2 ok, 1 broken", r.OK, len(r.Broken))
	}
}
