package exercises

// catalog lists every exercise in order; each entry is defined in its own
// file beside this one (counter.go, ledger.go, ...).
var catalog = []Exercise{
	fetchall,
	counter,
	ledger,
	rwstore,
	transfer,
	limiter,
	event,
	queue,
	pool,
	once,
	pipeline,
	chat,
	fileserver,
	httpserver,
	crawler,
	copier,
	merge,
	indexerCheck,
}
