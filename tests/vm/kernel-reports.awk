# Kernel log filter for the VM's verdict (init.sh in the VM, run.sh on the
# host): prints the log without the lockdep "suspicious RCU usage" reports
# that are known defects of the core kernel we boot, so that the checking
# kernel's other reports, and every report with fnat in it, still fail the
# run. Input: kernel log lines, with or without their "[ time] " prefix.
#
#   awk -f kernel-reports.awk [-v notes=FILE] LOG
#
# notes: where to append one line per report left out, naming its place.
#
# A report is left out only when all of these hold:
#   - it is lockdep's "WARNING: suspicious RCU usage" (which neither panics
#     nor turns lockdep off, so the run keeps checking fnat after it);
#   - the place it names is in a file of known_file() below;
#   - no line of it, backtrace included, mentions fnat.
# Any other report line printed inside it by another CPU (BUG, WARNING,
# KASAN, ...) is kept.

# known_file(PLACE): whether PLACE ("path/file.c:line message") is in code
# with a known, fnat-independent report. Each entry says why.
function known_file(place) {
	# 6.1's __nft_rule_lookup() walks chain->rules with
	# list_for_each_entry_rcu() under the nf_tables commit mutex but gives
	# no lockdep condition, so PROVE_RCU_LIST reports any iptables-nft
	# rule change that looks a rule up by handle (later kernels pass
	# lockdep_commit_lock_is_held()).
	if (place ~ /^net\/netfilter\/nf_tables_api\.c:[0-9]+ /)
		return 1
	return 0
}

function text_of(line,    t) {
	t = line
	sub(/^\[ *[0-9]+\.[0-9]+\] ?/, "", t)
	return t
}

function flush(    i) {
	for (i = 1; i <= n; i++)
		print buf[i]
	n = 0
	state = 0
}

# drop: leaves the held report out, keeping lines of other reports.
function drop(    i, t) {
	if (notes != "")
		print "known core kernel report left out: suspicious RCU usage at " place >>notes
	for (i = 1; i <= n; i++) {
		t = text_of(buf[i])
		if (t ~ /BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|leaked/ &&
		    t !~ /^WARNING: suspicious RCU usage$/)
			print buf[i]
	}
	n = 0
	state = 0
}

BEGIN { n = 0; state = 0 }

{
	t = text_of($0)
	if (state == 0) {
		if (t ~ /^=============================$/) {
			buf[++n] = $0
			state = 1
			next
		}
		print
		next
	}
	buf[++n] = $0
	# fnat's functions, or its module in a frame (not the kernel's
	# "-fnat-debug" release, nor a command's name).
	if (t ~ /\[fnat\]|fnat_/)
		ours = 1
	if (state == 1) {
		# The line after the rule says which report this is.
		if (t ~ /^WARNING: suspicious RCU usage$/) {
			state = 2
			ours = 0
			place = ""
		} else {
			flush()
		}
		next
	}
	# state 2: inside a suspicious RCU usage report.
	if (place == "" && t ~ /^[A-Za-z0-9_\/.-]+\.[ch]:[0-9]+ /)
		place = t
	if (t ~ /<\/TASK>/) {
		if (!ours && known_file(place))
			drop()
		else
			flush()
		next
	}
	# A report never this long: not one we understand, so keep it all.
	if (n > 400)
		flush()
}

END { flush() }
