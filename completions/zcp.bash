# bash completion for zcp(1)                                 -*- shell-script -*-
# Installed as $(BASHCOMPDIR)/zcp. Works with bash-completion loaded or not.
# The option lists below name every option of `zcp --help';
# tests/options.bats checks that they stay in step.
# shellcheck disable=SC2207 # COMPREPLY=($(compgen ...)): words without blanks

# Long options. A trailing '=' marks a mandatory argument; options whose
# argument is optional are listed bare and in _zcp_optarg below.
_zcp_long_opts='--archive --attributes-only --backup --copy-contents --force
	--interactive --dereference --link --no-clobber --no-dereference
	--preserve --no-preserve= --parents --recursive --reflink
	--remove-destination --sparse= --strip-trailing-slashes --suffix=
	--symbolic-link --target-directory= --no-target-directory --update
	--verbose --keep-directory-symlink --one-file-system --context
	--atomic --fsync --verify --also= --jobs= --method= --explain --debug --dry-run --stats --stats-file= --files-from= --null --progress --bench --help --version'
_zcp_short_opts='-0 -a -b -d -f -i -H -L -l -n -P -p -R -r -S -s -t -T -u -v -x -Z'

# The methods, in zcp's default order: from `zcp --help' when zcp runs,
# else the ones every zcp has.
_zcp_methods()
{
	local cmd=${1:-zcp} line
	line=$("$cmd" --help 2>/dev/null | sed -n 's/^Methods, in the default order: //p')
	line=${line//,/ }
	line=${line%.}
	echo "${line:-clone copy_range rw}"
}

# _zcp_list CUR WORDS...: complete CUR as a comma-separated list of WORDS.
_zcp_list()
{
	local cur=$1 prefix=
	shift
	if [[ $cur == *,* ]]; then
		prefix=${cur%,*},
		cur=${cur##*,}
	fi
	local w
	for w in $(compgen -W "$*" -- "$cur"); do
		COMPREPLY+=("$prefix$w")
	done
	compopt -o nospace 2>/dev/null
}

# _zcp_value OPT CUR: complete the argument CUR of option OPT.
# Returns 1 when OPT takes no argument zcp can complete.
_zcp_value()
{
	local opt=$1 cur=$2
	case $opt in
	--method) _zcp_list "$cur" "$(_zcp_methods "${COMP_WORDS[0]}")" ;;
	--preserve | --no-preserve)
		_zcp_list "$cur" mode ownership timestamps links context xattr all ;;
	--sparse) COMPREPLY=($(compgen -W 'auto always never' -- "$cur")) ;;
	--reflink) COMPREPLY=($(compgen -W 'auto always never' -- "$cur")) ;;
	--backup)
		COMPREPLY=($(compgen -W 'none off numbered t existing nil simple never' -- "$cur")) ;;
	--update) COMPREPLY=($(compgen -W 'all none older' -- "$cur")) ;;
	--stats | --explain) COMPREPLY=($(compgen -W 'text json' -- "$cur")) ;;
	--progress) COMPREPLY=($(compgen -W 'auto always json never' -- "$cur")) ;;
	--bench) COMPREPLY=($(compgen -W '3 5 9 15' -- "$cur")) ;;
	-t | --target-directory) _zcp_files "$cur" -d ;;
	--stats-file | --files-from) _zcp_files "$cur" ;;
	-S | --suffix) ;;	# any text
	*) return 1 ;;
	esac
	return 0
}

# _zcp_files CUR [-d]: file names (directories only with -d).
_zcp_files()
{
	local cur=$1 kind=-f
	[[ ${2:-} == -d ]] && kind=-d
	if declare -F _filedir >/dev/null; then
		cur=$cur _filedir ${2:+"$2"}
	else
		local IFS=$'\n'
		COMPREPLY+=($(compgen "$kind" -- "$cur"))
		compopt -o filenames 2>/dev/null
	fi
}

_zcp()
{
	local cur prev cword opt
	local -a words
	COMPREPLY=()
	words=("${COMP_WORDS[@]}")
	cword=$COMP_CWORD
	cur=${words[cword]}
	prev=${words[cword - 1]:-}

	# --opt=value: bash splits it at '=' when '=' is in COMP_WORDBREAKS
	# (the default), otherwise it is one word.
	if [[ $cur == = ]]; then
		_zcp_value "$prev" "" && return
	elif [[ $prev == = && $cword -ge 2 ]]; then
		_zcp_value "${words[cword - 2]}" "$cur" && return
	elif [[ $cur == --*=* ]]; then
		opt=${cur%%=*}
		local -a before=("${COMPREPLY[@]}")
		if _zcp_value "$opt" "${cur#*=}"; then
			local i
			for i in "${!COMPREPLY[@]}"; do
				COMPREPLY[i]=$opt=${COMPREPLY[i]}
			done
			return
		fi
		COMPREPLY=("${before[@]}")
	fi

	# Options with a separate mandatory argument.
	case $prev in
	-t | --target-directory | -S | --suffix | --method | --sparse | --no-preserve)
		_zcp_value "$prev" "$cur"
		return
		;;
	esac

	# Options, unless an earlier '--' ended them.
	local i
	for ((i = 1; i < cword; i++)); do
		[[ ${words[i]} == -- ]] && break
	done
	if [[ $i -eq $cword && $cur == -* ]]; then
		if [[ $cur == --* ]]; then
			COMPREPLY=($(compgen -W "$_zcp_long_opts" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$_zcp_short_opts $_zcp_long_opts" -- "$cur"))
		fi
		if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]]; then
			compopt -o nospace 2>/dev/null
		fi
		return 0
	fi

	_zcp_files "$cur"
	return 0
}

complete -F _zcp zcp
