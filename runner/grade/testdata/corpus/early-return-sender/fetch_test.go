package fetch

import (
	"context"
	"errors"
	"testing"
)

func TestFetchReturnsBody(t *testing.T) {
	get := func(url string) (string, error) { return "hello from " + url, nil }
	body, err := Fetch(context.Background(), get, "a")
	if err != nil || body != "hello from a" {
		t.Fatalf("Fetch = %q, %v; want %q, nil", body, err, "hello from a")
	}
}

// TestFetchGivesUp checks that a cancelled request returns the context's
// error at once, without waiting for the slow server.
func TestFetchGivesUp(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	answer := make(chan struct{})
	get := func(url string) (string, error) {
		<-answer // the server answers only after the caller gave up
		return "late", nil
	}
	_, err := Fetch(ctx, get, "slow")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Fetch error = %v, want context.Canceled", err)
	}
	close(answer)
}
