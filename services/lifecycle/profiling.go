package lifecycle

import (
	"net/http"
	"net/http/pprof"

	"github.com/portalhub/portalhub/services/config"
)

// DeclareProfiling declares PORTALHUB_PPROF, which serves Go's pprof
// profiles on a process's ops listener (AddProfiling): what make bench
// reads of the gateway and the aggregator under load.
func DeclareProfiling(set *config.Set, on *bool) {
	set.Bool(on, "PORTALHUB_PPROF", false,
		"serve Go's pprof profiles under /debug/pprof/ on the ops listener (make bench); keep it off on an ops listener others can reach: profiles show the process's internals and cost CPU while they run")
}

// AddProfiling serves the pprof endpoints under /debug/pprof/ on mux. A
// CPU profile must end within the listener's write timeout
// (PORTALHUB_HTTP_WRITE_TIMEOUT, 60 s by default).
func AddProfiling(mux *http.ServeMux) {
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
}
