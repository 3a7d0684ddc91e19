# fish completion for zcp(1). Installed as $(FISHCOMPDIR)/zcp.fish.
# One `complete' line per option, naming every option of `zcp --help';
# tests/options.bats checks that they stay in step.

# The methods, in zcp's default order: from `zcp --help', else a fixed list.
function __zcp_methods
    set -l line (command zcp --help 2>/dev/null | string match -r '^Methods, in the default order: .*' | string replace -r '^Methods, in the default order: (.*)\.$' '$1')
    if test -n "$line"
        string split ', ' -- $line
    else
        printf '%s\n' clone copy_range rw
    end
end

# A comma-separated list: offer WORDS after whatever the token holds so far.
function __zcp_list
    set -l tok (commandline -ct | string replace -r '^--[a-z-]+=' '')
    set -l prefix (string replace -r '[^,]*$' '' -- $tok)
    for w in $argv
        echo $prefix$w
    end
end

complete -c zcp -s a -l archive -d 'Same as -dR --preserve=all'
complete -c zcp -l attributes-only -d 'Do not copy the file data, just the attributes'
complete -c zcp -l copy-contents -d 'Copy contents of special files when recursive'
complete -c zcp -s l -l link -d 'Hard link files instead of copying'
complete -c zcp -s s -l symbolic-link -d 'Make symbolic links instead of copying'
complete -c zcp -l strip-trailing-slashes -d 'Remove any trailing slashes from each SOURCE argument'
complete -c zcp -l keep-directory-symlink -d 'Follow existing symlinks to directories in the destination'
complete -c zcp -s x -l one-file-system -d 'Stay on this file system'
complete -c zcp -s Z -d 'Set SELinux context to default type (ignored without SELinux)'
complete -c zcp -l context -f -d 'Set SELinux context (ignored without SELinux)'
complete -c zcp -l backup -f -a 'none off numbered t existing nil simple never' -d 'Make a backup of each existing destination'
complete -c zcp -s b -d 'Like --backup but does not accept an argument'
complete -c zcp -s d -d 'Same as --no-dereference --preserve=links'
complete -c zcp -s f -l force -d 'If a destination cannot be opened, remove it and try again'
complete -c zcp -s i -l interactive -d 'Prompt before overwrite'
complete -c zcp -s H -d 'Follow command-line symbolic links in SOURCE'
complete -c zcp -s L -l dereference -d 'Always follow symbolic links in SOURCE'
complete -c zcp -s n -l no-clobber -d 'Do not overwrite an existing file'
complete -c zcp -s P -l no-dereference -d 'Never follow symbolic links in SOURCE'
complete -c zcp -s p -d 'Same as --preserve=mode,ownership,timestamps'
complete -c zcp -l preserve -f -a '(__zcp_list mode ownership timestamps links context xattr all)' -d 'Preserve the attributes'
complete -c zcp -l no-preserve -x -a '(__zcp_list mode ownership timestamps links context xattr all)' -d 'Do not preserve the attributes'
complete -c zcp -l parents -d 'Use full source file name under DIRECTORY'
complete -c zcp -s R -s r -l recursive -d 'Copy directories recursively'
complete -c zcp -l reflink -f -a 'auto always never' -d 'Clone (share extents)'
complete -c zcp -l remove-destination -d 'Remove each existing destination before opening it'
complete -c zcp -l sparse -x -a 'auto always never' -d 'Control creation of sparse files'
complete -c zcp -s S -l suffix -x -d 'Override the usual backup suffix'
complete -c zcp -s t -l target-directory -x -a '(__fish_complete_directories)' -d 'Copy all SOURCE arguments into DIRECTORY'
complete -c zcp -s T -l no-target-directory -d 'Treat DEST as a normal file'
complete -c zcp -s u -d 'Same as --update=older'
complete -c zcp -l update -f -a 'all none none-fail older' -d 'Replace only some existing destinations'
complete -c zcp -s v -l verbose -d 'Explain what is being done'
complete -c zcp -l atomic -d 'Write each file aside and rename it into place when complete'
complete -c zcp -l fsync -d 'Flush each file to storage before reporting it done'
complete -c zcp -l verify -d 'Read each copy back from storage and compare it with its source'
complete -c zcp -l also -r -F -d 'Copy to DEST too, the source read once'
complete -c zcp -l jobs -x -d 'Copy a tree\'s files with N workers'
complete -c zcp -l method -x -a '(__zcp_list (__zcp_methods))' -d 'Use only these methods, in this order'
complete -c zcp -l explain -f -a 'text json' -d 'Show each file\'s plan: methods chosen, skipped and why'
complete -c zcp -l debug -d 'One line per file: the method used'
complete -c zcp -l dry-run -d 'Plan and explain, copy and change nothing'
complete -c zcp -l stats -f -a 'text json' -d 'Count system calls and bytes'
complete -c zcp -l stats-file -r -F -d 'Write the --stats=json report to FILE'
complete -c zcp -l files-from -r -F -d 'Copy the SOURCEs listed in FILE'
complete -c zcp -l progress -f -a 'auto always json never' -d 'A line of the copy so far on stderr'
complete -c zcp -s 0 -l null -d 'Entries in --files-from end with NUL'
complete -c zcp -l bench -f -d 'Copy with every method that applies, ROUNDS times each'
complete -c zcp -l help -d 'Display help and exit'
complete -c zcp -l version -d 'Output version information and exit'
