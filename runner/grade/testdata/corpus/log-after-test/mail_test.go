package mail

import (
	"fmt"
	"testing"
)

func TestSend(t *testing.T) {
	SetLogger(t)
	if err := Send("ann@example.com", "welcome"); err != nil {
		t.Fatalf("Send: %v", err)
	}
}

func ExampleSend() {
	err := Send("bob@example.com", "hello")
	fmt.Println(err)
	// Output: <nil>
}
