// Package kzid validates Kazakhstan's 12-digit identity numbers: the IIN of
// a person and the BIN of a legal entity, with the official check digit
// (both weightings), and masks them for logs. It sits in the base layer
// because every domain package receives them.
package kzid

import (
	"fmt"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
)

// Kind says which number a 12-digit string is.
type Kind uint8

// Kinds of number.
const (
	IIN Kind = iota + 1 // individual identification number (a person)
	BIN                 // business identification number (a legal entity)
)

func (k Kind) String() string {
	switch k {
	case IIN:
		return "IIN"
	case BIN:
		return "BIN"
	}
	return "unknown"
}

var (
	weights1 = [11]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	weights2 = [11]int{3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2}
)

// checkDigit computes the 12th digit; ok is false for numbers that can
// never be issued (both weightings give 10).
func checkDigit(d *[12]int) (int, bool) {
	for _, w := range [][11]int{weights1, weights2} {
		sum := 0
		for i := range 11 {
			sum += d[i] * w[i]
		}
		if r := sum % 11; r != 10 {
			return r, true
		}
	}
	return 0, false
}

func digits(s string) (d [12]int, err error) {
	if len(s) != 12 {
		return d, fmt.Errorf("%w: must be 12 digits, got %d characters", deadlines.ErrInvalid, len(s))
	}
	for i := range 12 {
		if s[i] < '0' || s[i] > '9' {
			return d, fmt.Errorf("%w: must be 12 digits", deadlines.ErrInvalid)
		}
		d[i] = int(s[i] - '0')
	}
	cd, ok := checkDigit(&d)
	if !ok || cd != d[11] {
		return d, fmt.Errorf("%w: check digit does not match", deadlines.ErrInvalid)
	}
	return d, nil
}

// ValidateIIN checks a person's IIN: 12 digits, the birth date (YYMMDD),
// the century-and-sex digit (1–6: 1800s, 1900s, 2000s) and the check digit.
// The error wraps deadlines.ErrInvalid.
func ValidateIIN(s string) error {
	d, err := digits(s)
	if err != nil {
		return fmt.Errorf("IIN %w", err)
	}
	if d[6] < 1 || d[6] > 6 {
		return fmt.Errorf("IIN %w: the 7th digit (century and sex) must be 1–6", deadlines.ErrInvalid)
	}
	century := 1800 + (d[6]-1)/2*100 // 1–2: 1800s, 3–4: 1900s, 5–6: 2000s
	y, m, day := century+d[0]*10+d[1], time.Month(d[2]*10+d[3]), d[4]*10+d[5]
	if born := time.Date(y, m, day, 0, 0, 0, 0, time.UTC); m < 1 || m > 12 || born.Day() != day {
		return fmt.Errorf("IIN %w: %04d-%02d-%02d is not a date of birth", deadlines.ErrInvalid, y, int(m), day)
	}
	return nil
}

// ValidateBIN checks a legal entity's BIN: 12 digits, the registration
// month (YYMM), the entity type (5th digit 4 resident, 5 non-resident,
// 6 individual entrepreneur in joint form), the division digit (6th: 0–4)
// and the check digit. The error wraps deadlines.ErrInvalid.
func ValidateBIN(s string) error {
	d, err := digits(s)
	if err != nil {
		return fmt.Errorf("BIN %w", err)
	}
	if m := d[2]*10 + d[3]; m < 1 || m > 12 {
		return fmt.Errorf("BIN %w: the registration month (digits 3–4) must be 01–12", deadlines.ErrInvalid)
	}
	if d[4] < 4 || d[4] > 6 {
		return fmt.Errorf("BIN %w: the 5th digit (entity type) must be 4, 5 or 6", deadlines.ErrInvalid)
	}
	if d[5] > 4 {
		return fmt.Errorf("BIN %w: the 6th digit (division) must be 0–4", deadlines.ErrInvalid)
	}
	return nil
}

// Validate accepts an IIN or a BIN and says which it is: the 5th digit of
// an IIN is a day's tens (0–3), of a BIN the entity type (4–6).
func Validate(s string) (Kind, error) {
	if len(s) == 12 && s[4] >= '4' && s[4] <= '6' {
		return BIN, ValidateBIN(s)
	}
	return IIN, ValidateIIN(s)
}

// Mask hides all but the first six characters: "850101******". Use it
// wherever an identity number is logged.
func Mask(s string) string {
	if len(s) <= 6 {
		return "******"
	}
	b := []byte(s)
	for i := 6; i < len(b); i++ {
		b[i] = '*'
	}
	return string(b)
}

// Complete appends the check digit to the first 11 digits of an IIN or BIN.
// Some prefixes have none (both weightings give 10): such numbers are never
// issued, and Complete returns an error wrapping deadlines.ErrInvalid. It
// does not check dates or entity types; Validate does.
func Complete(first11 string) (string, error) {
	if len(first11) != 11 {
		return "", fmt.Errorf("%w: 11 digits are needed, got %d characters", deadlines.ErrInvalid, len(first11))
	}
	var d [12]int
	for i := range 11 {
		if first11[i] < '0' || first11[i] > '9' {
			return "", fmt.Errorf("%w: must be digits", deadlines.ErrInvalid)
		}
		d[i] = int(first11[i] - '0')
	}
	cd, ok := checkDigit(&d)
	if !ok {
		return "", fmt.Errorf("%w: %s has no check digit; such numbers are not issued", deadlines.ErrInvalid, first11)
	}
	return first11 + string(rune('0'+cd)), nil
}
