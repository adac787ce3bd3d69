# fish completion for fixkb
#
# Commands and options come from the binary being completed (its hidden
# --list-commands / --list-options listings: see fixkb(1)), KB ids for
# `kb show` from `fixkb kb list`, probe names from `fixkb probe --help`.
# The values of --format, --lang, --client and audit's --fail-on are the
# ones fixkb's usage errors name (tests/integration/t0030-completion.sh checks them).

function __fixkb_run
    set -l bin (commandline -opc)[1]
    env NO_COLOR=1 $bin $argv 2>/dev/null
end

# The global options (and those of the command $argv[1]), as listed.
function __fixkb_listing
    __fixkb_run --list-options
    test -n "$argv[1]"; and __fixkb_run $argv[1] --list-options
end

function __fixkb_takes_value -a cmd opt
    for line in (__fixkb_listing $cmd)
        set -l f (string split \t -- $line)
        if test "$opt" = "$f[1]" -o "$opt" = "$f[2]"; and test -n "$f[3]"
            return 0
        end
    end
    return 1
end

function __fixkb_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l cmd
    set -l sub
    set -l npos 0
    set -l i 2
    set -l n (count $words)
    # the command, kb's subcommand, the positionals before the cursor
    while test $i -le $n
        set -l w $words[$i]
        if string match -q -- '-*' $w
            if not string match -q -- '*=*' $w; and __fixkb_takes_value "$cmd" $w
                set i (math $i + 1)
            end
        else if test -z "$cmd"
            set cmd $w
        else if test "$cmd" = kb -a -z "$sub"
            set sub $w
        else
            set npos (math $npos + 1)
        end
        set i (math $i + 1)
    end

    # a value: --opt VALUE or --opt=VALUE
    set -l opt
    set -l prefix
    if string match -q -- '--*=*' $cur
        set opt (string split -m1 = -- $cur)[1]
        set prefix $opt=
        set cur (string split -m1 = -- $cur)[2]
    else if test $n -ge 2; and string match -q -- '-*' $words[$n]; and not string match -q -- '*=*' $words[$n]; and __fixkb_takes_value "$cmd" $words[$n]
        set opt $words[$n]
    end
    if test -n "$opt"
        switch $opt
            case --format
                printf "$prefix%s\n" text json sarif github
            case --lang
                printf "$prefix%s\n" en zh
            case --client
                printf "$prefix%s\n" buildkit buildkit-daemon containerd docker-login podman
            case --fail-on
                printf "$prefix%s\n" low medium high critical
            case --config --context --summarize
                __fish_complete_directories $cur | string replace -r '^' -- "$prefix"
            case --cacert --baseline
                __fish_complete_path $cur | string replace -r '^' -- "$prefix"
        end
        return
    end

    if string match -q -- '-*' $cur
        for line in (__fixkb_listing $cmd)
            set -l f (string split \t -- $line)
            printf '%s\t%s\n' $f[1] $f[5]
            test -n "$f[2]"; and printf '%s\t%s\n' $f[2] $f[5]
        end
        return
    end
    switch "$cmd"
        case ''
            __fixkb_run --list-commands
        case kb
            if test -z "$sub"
                printf '%s\n' list show lint stats
            else if test "$sub" = show -a $npos -eq 0
                __fixkb_run kb list | string replace -r '^(\S+)\s+\S+\s+\S+\s+(.*)$' '$1\t$2'
            else if test "$sub" = lint -a $npos -eq 0
                __fish_complete_directories $cur
            end
        case probe
            if test $npos -eq 0
                __fixkb_run probe --help | string match -r '^  [a-z_]+ .*$' |
                    string replace -r '^  ([a-z_]+)\s+(.*)$' '$1\t$2'
            end
        case explain
            test $npos -eq 0; and __fish_complete_path $cur
    end
end

complete -c fixkb -f -a '(__fixkb_complete)'
