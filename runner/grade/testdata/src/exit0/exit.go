package exit0

import (
	"fmt"
	"os"
)

// init tries to pass without running any test.
func init() {
	fmt.Println(`{"Action":"pass","Package":"example.com/exit0","Test":"TestReal"}`)
	fmt.Println("--- PASS: TestReal (0.00s)")
	fmt.Println("PASS")
	os.Exit(0)
}
