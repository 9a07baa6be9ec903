// Package logmask keeps identity numbers out of the demo server's log: a
// slog.Handler wrapper that masks every run of exactly 12 digits (an IIN
// or a BIN) in the message and in string attribute values, keeping the
// first 6 digits (the birth date or registration month, as kzid.Mask
// does): "900101300017" becomes "900101******".
//
// Longer digit runs (a nanosecond timestamp, an amount in tiyn) are left
// alone, so masking does not destroy numbers that are not identities.
// An integer of exactly 12 digits is logged as its masked text; other
// numbers, durations, times and booleans pass unchanged. Errors, Stringers
// and other values whose text may carry an IIN are turned into their
// masked text.
package logmask
