package vault

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/actiongate/actiongate"
)

// SecretStore lists and rewrites the sealed secrets that Rewrap and Status
// visit. actiongate.Store satisfies it.
type SecretStore interface {
	// SecretList returns at most limit sealed secrets whose refs sort after
	// after; the zero SecretRef starts at the first.
	SecretList(ctx context.Context, after actiongate.SecretRef, limit int) ([]actiongate.SealedSecret, error)
	// SecretReplace sets the ciphertext of ref to next if it is still prev; it
	// returns actiongate.KindConflict when it is not and actiongate.KindNotFound
	// when ref is gone.
	SecretReplace(ctx context.Context, ref actiongate.SecretRef, prev, next []byte) error
}

// DefaultBatch is the page size of Rewrap when given none, and of Status.
const DefaultBatch = 100

// RewrapStats counts what Rewrap did with the secrets it visited.
type RewrapStats struct {
	Scanned    int // secrets listed
	Rewrapped  int // resealed under the newest term
	Current    int // already under the newest term (or a newer one), left alone
	Conflicts  int // rewritten by someone else meanwhile; left to that writer
	Deleted    int // deleted meanwhile
	Unreadable int // did not open; left as they are
}

// Rewrap reseals, under the newest term of b, every secret of s sealed under an
// older term, so that the older data keys protect nothing. It first reloads b's
// keyring, so that the newest term is the newest stored. It pages through s
// batch secrets at a time (DefaultBatch when batch ≤ 0) and calls progress, if
// not nil, after each page with the number of secrets scanned so far.
//
// Each secret is opened with its ref's AAD, resealed with the same AAD and
// stored with SecretReplace, a compare-and-set: a secret rewritten meanwhile
// (KindConflict) or deleted (KindNotFound) is counted and skipped. Every
// replacement is atomic, so Rewrap may be interrupted at any point, by ctx or
// by a crash, and run again: it skips what is done. Plaintexts are cleared once
// resealed.
//
// Rewrap stops at the first error of s or of ctx and returns it with the counts
// so far. Secrets that do not open are left as they are and counted; when there
// are any, Rewrap finishes the pass and then returns an error saying how many.
func Rewrap(ctx context.Context, b *Barrier, s SecretStore, batch int, progress func(done int)) (RewrapStats, error) {
	var st RewrapStats
	if batch <= 0 {
		batch = DefaultBatch
	}
	if err := b.Reload(ctx); err != nil {
		return st, err
	}
	var after actiongate.SecretRef
	for {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		page, err := s.SecretList(ctx, after, batch)
		if err != nil {
			return st, fmt.Errorf("vault: listing secrets: %w", err)
		}
		for _, sec := range page {
			if err := ctx.Err(); err != nil {
				return st, err
			}
			st.Scanned++
			if err := rewrapOne(ctx, b, s, sec, &st); err != nil {
				return st, err
			}
		}
		if progress != nil && len(page) > 0 {
			progress(st.Scanned)
		}
		if len(page) < batch {
			break
		}
		after = page[len(page)-1].Ref
	}
	if st.Unreadable > 0 {
		return st, fmt.Errorf("vault: %d secrets did not open and were left as they are", st.Unreadable)
	}
	return st, nil
}

// rewrapOne reseals one secret if it needs it, and counts the outcome.
func rewrapOne(ctx context.Context, b *Barrier, s SecretStore, sec actiongate.SealedSecret, st *RewrapStats) error {
	term, err := TermOf(sec.Ciphertext)
	if err != nil {
		st.Unreadable++
		return nil
	}
	newest := b.Term()
	if newest == 0 {
		return ErrSealed
	}
	if term >= newest {
		st.Current++
		return nil
	}
	aad := sec.Ref.AAD()
	plaintext, err := b.Open(sec.Ciphertext, aad)
	if err != nil {
		if errors.Is(err, ErrSealed) {
			return err
		}
		st.Unreadable++
		return nil
	}
	next, err := b.Seal(plaintext, aad)
	clear(plaintext)
	if err != nil {
		return err
	}
	err = s.SecretReplace(ctx, sec.Ref, sec.Ciphertext, next)
	switch {
	case err == nil:
		st.Rewrapped++
	case actiongate.KindOf(err) == actiongate.KindConflict:
		st.Conflicts++
	case actiongate.KindOf(err) == actiongate.KindNotFound:
		st.Deleted++
	default:
		return fmt.Errorf("vault: replacing a secret: %w", err)
	}
	return nil
}

// TermStatus says how much one term still protects.
type TermStatus struct {
	Term    uint32
	Created time.Time // when its data key was made; zero for a term the keyring lacks
	Secrets int       // stored secrets sealed under it
}

// Status reports, for every term of b's keyring and every term found in a
// stored ciphertext, ordered by term, when its data key was made and how many
// secrets of s it seals. Secrets whose header does not parse are counted under
// term 0. A term other than the newest that seals nothing is no longer needed to
// read the store, though backups may still need it. Status first reloads
// b's keyring, to see other replicas' rotations.
func Status(ctx context.Context, b *Barrier, s SecretStore) ([]TermStatus, error) {
	if err := b.Reload(ctx); err != nil {
		return nil, err
	}
	ring := b.ring.Load()
	if ring == nil {
		return nil, ErrSealed
	}
	byTerm := make(map[uint32]*TermStatus, len(ring.terms))
	for t, k := range ring.terms {
		byTerm[t] = &TermStatus{Term: t, Created: k.created}
	}
	var after actiongate.SecretRef
	for {
		page, err := s.SecretList(ctx, after, DefaultBatch)
		if err != nil {
			return nil, fmt.Errorf("vault: listing secrets: %w", err)
		}
		for _, sec := range page {
			term, _ := TermOf(sec.Ciphertext) // 0 when malformed
			ts := byTerm[term]
			if ts == nil {
				ts = &TermStatus{Term: term}
				byTerm[term] = ts
			}
			ts.Secrets++
		}
		if len(page) < DefaultBatch {
			break
		}
		after = page[len(page)-1].Ref
	}
	out := make([]TermStatus, 0, len(byTerm))
	for _, ts := range byTerm {
		out = append(out, *ts)
	}
	slices.SortFunc(out, func(a, b TermStatus) int { return cmp.Compare(a.Term, b.Term) })
	return out, nil
}
