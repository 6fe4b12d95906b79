package handshake

import (
	"sync"
	"testing"
)

func TestHandshake(t *testing.T) {
	client, server := Pipe()
	var (
		wg       sync.WaitGroup
		greeting string
		name     string
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		greeting, _ = Client(client, "gopher")
	}()
	go func() {
		defer wg.Done()
		name, _ = Server(server, "mx.example.com")
	}()
	wg.Wait()
	if greeting != "220 mx.example.com ready" || name != "gopher" {
		t.Fatalf("greeting %q, name %q", greeting, name)
	}
}
