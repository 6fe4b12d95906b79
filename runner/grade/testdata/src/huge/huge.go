package huge

import "fmt"

// Chatty prints n lines.
func Chatty(n int) {
	for i := range n {
		fmt.Printf("line %d of a submission that will not stop talking\n", i)
	}
}
