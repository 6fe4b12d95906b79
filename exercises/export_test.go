package exercises

// Exported for the tests in package exercises_test.
var (
	ParseHints = parseHints
	ReadHints  = readHints
)
