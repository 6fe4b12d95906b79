#!/bin/sh
# record.sh runs the programs in this folder for real and saves what the Go
# runtime, the race detector, go test and goleak print, as the inputs of
# the traceback tests. Run it from lessons/traceback/testdata/gen; then
# regenerate the parsed goldens with: go test ./lessons/traceback -update
set -u
out=..
export GOFLAGS=-mod=mod GOWORK=off GOTRACEBACK=all
go version > $out/go-version.txt

go run -race ./race > $out/race.txt 2>&1

go build -o /tmp/tbgen-dump ./dump
/tmp/tbgen-dump 2> $out/sigquit.txt &
pid=$!
sleep 1
kill -QUIT $pid
wait $pid
rm -f /tmp/tbgen-dump

CGO_ENABLED=0 go run ./deadlock > $out/deadlock.txt 2>&1
go run ./mapwrites > $out/mapwrites.txt 2>&1
go test -race -v -count=1 ./racetest > $out/racetest.txt 2>&1
go test -race -json -count=1 ./racetest > $out/racetest.json 2>&1
go test -count=1 -timeout 2s ./timeouttest > $out/timeout.txt 2>&1
go test -json -count=1 -timeout 2s ./timeouttest > $out/timeout.json 2>&1
go test -count=1 ./leaktest > $out/leak.txt 2>&1
exit 0
