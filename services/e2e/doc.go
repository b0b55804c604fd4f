// Package e2e holds the end-to-end tests: the whole federation as separate
// processes (natsd, aggregator, gateway, two sub-portals), driven as its
// users would drive it: sub-portal API calls, gRPC calls with tenant
// credentials, HTTP requests to the portal.
package e2e
