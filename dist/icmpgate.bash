# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# bash completion for icmpgate(8): commands, options, interface names, and
# the names of ICMP types, codes and counter reasons as the binary knows
# them (`icmpgate names`), so the lists never drift from the program.

_icmpgate_ifaces()
{
	local d
	for d in /sys/class/net/*; do
		printf '%s\n' "${d##*/}"
	done
}

_icmpgate_attached()
{
	local d
	for d in /sys/fs/bpf/icmpgate/*; do
		[ -d "$d" ] && printf '%s\n' "${d##*/}"
	done
}

# Files, with or without the bash-completion package.
_icmpgate_files()
{
	if declare -F _filedir >/dev/null; then
		_filedir
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}

_icmpgate()
{
	local cur prev words cword
	if declare -F _init_completion >/dev/null; then
		_init_completion || return
	else # without the bash-completion package
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
	fi

	local i cmd= sub= nargs=0
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-*) ;;
		*)
			if [ -z "$cmd" ]; then
				cmd=${words[i]}
			elif [ "$cmd" = policy ] && [ -z "$sub" ]; then
				sub=${words[i]}
			else
				nargs=$((nargs + 1))
			fi
			;;
		esac
	done

	# capture's options that take a value; --reason and --type take
	# comma-separated lists: the word after the last comma is completed.
	if [ "$cmd" = capture ]; then
		local head=
		[[ $cur == *,* ]] && head=${cur%,*},
		case $prev in
		-w | --write)
			_icmpgate_files
			return
			;;
		--reason)
			COMPREPLY=($(compgen -P "$head" -W "$(icmpgate names reasons 2>/dev/null)" -- "${cur##*,}"))
			return
			;;
		--type)
			local t=${cur##*,} fam=
			case $t in v4:* | v6:*) fam=${t%%:*} ;; esac
			if [ -n "$fam" ]; then
				COMPREPLY=($(compgen -P "$head$fam:" -W "$(icmpgate names types "$fam" 2>/dev/null)" -- "${t#*:}"))
			else
				COMPREPLY=($(compgen -P "$head" -W "v4: v6: $({ icmpgate names types v4
					icmpgate names types v6; } 2>/dev/null | sort -u)" -- "$t"))
			fi
			compopt -o nospace 2>/dev/null
			return
			;;
		--sample)
			COMPREPLY=($(compgen -W '1/10 1/100 1/1000' -- "$cur"))
			return
			;;
		-c | --count | -s | --snaplen | -d | --duration | -r | --rate)
			return
			;;
		esac
	fi

	case $prev in
	--mode)
		COMPREPLY=($(compgen -W 'native skb' -- "$cur"))
		return
		;;
	--side)
		COMPREPLY=($(compgen -W 'host transit' -- "$cur"))
		return
		;;
	--policy | -p)
		_icmpgate_files
		return
		;;
	--listen)
		COMPREPLY=($(compgen -W '127.0.0.1:9797 [::1]:9797 0.0.0.0:9797' -- "$cur"))
		return
		;;
	--live | -l)
		if [ "$cmd" = serve ]; then # serve's -l is --listen
			COMPREPLY=($(compgen -W '127.0.0.1:9797 [::1]:9797 0.0.0.0:9797' -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_icmpgate_attached)" -- "$cur"))
		fi
		return
		;;
	--max-sources | --watch | --interval | --count | -n | --prefix4 | \
		--prefix6 | --lines)
		return
		;;
	esac

	if [ -z "$cmd" ]; then
		COMPREPLY=($(compgen -W 'attach detach upgrade sync status policy
			set unset stats top capture metrics serve help names -v
			--verbose -j --json --help --version' -- "$cur"))
		return
	fi

	if [[ $cur == -* ]]; then
		local opts='--help'
		case $cmd in
		attach) opts+=' --mode --policy --max-sources --replace --allow-empty --audit' ;;
		status) opts+=' --json' ;;
		policy)
			case $sub in
			apply) opts+=' --allow-empty --audit' ;;
			check) opts+=' --allow-empty' ;;
			show) opts+=' --json' ;;
			replay) opts+=' --json --allow-empty --audit --live --side --prefix4 --prefix6 --lines' ;;
			*) opts+=' --json --allow-empty --audit' ;;
			esac
			;;
		stats) opts+=' --json --watch --reset' ;;
		top) opts+=' --count --interval --json' ;;
		serve) opts+=' --listen' ;;
		capture) opts+=' --write --count --reason --type --sample --snaplen
			--duration --rate --passed --ring' ;;
		esac
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi

	case $cmd in
	attach)
		[ $nargs -eq 0 ] && COMPREPLY=($(compgen -W "$(_icmpgate_ifaces)" -- "$cur"))
		;;
	detach | upgrade | sync | status | stats | top | capture | metrics | serve)
		[ $nargs -eq 0 ] && COMPREPLY=($(compgen -W "$(_icmpgate_attached)" -- "$cur"))
		;;
	policy)
		if [ -z "$sub" ]; then
			COMPREPLY=($(compgen -W 'apply show check default replay' -- "$cur"))
		elif [ "$sub" = replay ]; then
			# POLICY (a file or the built-in default), then the capture.
			_icmpgate_files
			[ $nargs -eq 0 ] && COMPREPLY+=($(compgen -W 'default' -- "$cur"))
		elif [ "$sub" = check ] || { [ "$sub" = apply ] && [ $nargs -eq 1 ]; }; then
			_icmpgate_files
		elif [ $nargs -eq 0 ] && [ "$sub" != default ]; then
			COMPREPLY=($(compgen -W "$(_icmpgate_attached)" -- "$cur"))
		fi
		;;
	set | unset)
		if [ $nargs -eq 0 ]; then
			COMPREPLY=($(compgen -W "$(_icmpgate_attached)" -- "$cur"))
			return
		fi
		# The statement: keyword, then family, then a type name.
		local fam= w
		for w in "${words[@]:1:cword-1}"; do
			case $w in v4 | v6) fam=$w ;; esac
		done
		case $prev in
		v4 | v6)
			COMPREPLY=($(compgen -W "$(icmpgate names types "$prev" 2>/dev/null)" -- "$cur"))
			;;
		forward)
			COMPREPLY=($(compgen -W 'default v4 v6' -- "$cur"))
			;;
		pass | drop)
			[ -n "$fam" ] && COMPREPLY=($(compgen -W 'validate max-size force' -- "$cur"))
			;;
		limit)
			COMPREPLY=($(compgen -W 'per-source' -- "$cur"))
			;;
		default | fragments | broadcast-echo)
			COMPREPLY=($(compgen -W 'pass drop' -- "$cur"))
			;;
		mode)
			COMPREPLY=($(compgen -W 'audit enforce' -- "$cur"))
			;;
		*)
			if [ -n "$fam" ]; then
				COMPREPLY=($(compgen -W 'pass drop limit' -- "$cur"))
			else
				COMPREPLY=($(compgen -W 'default fragments broadcast-echo
					mode forward v4 v6 allow block ra-guard' -- "$cur"))
			fi
			;;
		esac
		;;
	names)
		if [ $nargs -eq 0 ]; then
			COMPREPLY=($(compgen -W 'types reasons' -- "$cur"))
		elif [ "${words[cword-1]}" = types ]; then
			COMPREPLY=($(compgen -W 'v4 v6' -- "$cur"))
		fi
		;;
	help)
		COMPREPLY=($(compgen -W 'attach detach upgrade sync status policy
			set unset stats top capture metrics serve names' -- "$cur"))
		;;
	esac
}
complete -F _icmpgate icmpgate
