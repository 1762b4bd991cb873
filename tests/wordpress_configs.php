<?php
/*
 * Change the live test WordPress (../shared/wordpress, one run dir) with WordPress's own PHP API,
 * as an admin or a plugin would, for tests/test_wordpress_configs.py.
 *
 *   php wordpress_configs.php DOCROOT BASE_URL < request.json
 *
 * request.json: {"options": {name: value}, "permalink_structure": "...",
 *                "posts": [{"title", "blocks" | "parts", "date", "author", "categories", "tags"}],
 *                "delete_test_posts": true}
 * Posts inserted here carry the meta key _news_test, so "delete_test_posts" removes exactly them.
 * Prints {"posts": [{"id", "url"}]} on stdout.
 */

$docroot = $argv[1] ?? '';
$base = rtrim($argv[2] ?? '', '/');
if (!$docroot || !$base) { fwrite(STDERR, "usage: php wordpress_configs.php DOCROOT BASE_URL < request.json\n"); exit(2); }
$request = json_decode(stream_get_contents(STDIN), true);
if (!is_array($request)) { fwrite(STDERR, "request is not a JSON object\n"); exit(2); }

// Pretend to be a request for the site, so WordPress builds its URLs from the right host.
$u = parse_url($base);
$_SERVER['HTTP_HOST'] = $u['host'] . (isset($u['port']) ? ':' . $u['port'] : '');
$_SERVER['SERVER_NAME'] = $u['host'];
$_SERVER['SERVER_PORT'] = $u['port'] ?? 80;
$_SERVER['REQUEST_URI'] = ($u['path'] ?? '') . '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';

require $docroot . '/wp-load.php';

/** Block-editor markup: paragraphs, and a core/nextpage block between the parts of a multi-page post. */
function news_test_markup(array $post): string {
    $paragraph = fn($text) => "<!-- wp:paragraph -->\n<p>$text</p>\n<!-- /wp:paragraph -->";
    $parts = $post['parts'] ?? [$post['blocks']];
    $html = array_map(fn($blocks) => implode("\n\n", array_map($paragraph, $blocks)), $parts);
    return implode("\n\n<!-- wp:nextpage -->\n<!--nextpage-->\n<!-- /wp:nextpage -->\n\n", $html);
}

$out = ['posts' => []];

if (!empty($request['delete_test_posts'])) {
    $ids = get_posts(['post_type' => 'post', 'post_status' => 'any', 'numberposts' => -1, 'fields' => 'ids',
                      'meta_key' => '_news_test']);
    foreach ($ids as $id) wp_delete_post($id, true);
    $out['deleted'] = count($ids);
}

foreach ($request['options'] ?? [] as $name => $value) update_option($name, $value);

if (array_key_exists('permalink_structure', $request)) {
    $GLOBALS['wp_rewrite']->set_permalink_structure($request['permalink_structure']);
    create_initial_post_types();
    create_initial_taxonomies();  // their permastructs depend on the structure at registration
    $GLOBALS['wp_rewrite']->flush_rules(false);
}

if (!empty($request['posts'])) {
    kses_remove_filters();  // trusted content: keep the block comments as written
    wp_defer_term_counting(true);
    foreach ($request['posts'] as $p) {
        $user = get_user_by('login', $p['author']);
        if (!$user) { fwrite(STDERR, "unknown author {$p['author']}\n"); exit(1); }
        wp_set_current_user($user->ID);
        $categories = [];
        foreach ($p['categories'] as $name) {
            $id = get_cat_ID($name);
            if (!$id) { fwrite(STDERR, "unknown category $name\n"); exit(1); }
            $categories[] = $id;
        }
        $id = wp_insert_post(wp_slash([
            'post_type' => 'post', 'post_status' => 'publish', 'post_title' => $p['title'],
            'post_content' => news_test_markup($p), 'post_author' => $user->ID,
            'post_date' => $p['date'], 'post_date_gmt' => get_gmt_from_date($p['date']),
            'post_category' => $categories, 'tags_input' => $p['tags'] ?? [],
            'comment_status' => 'open', 'ping_status' => 'closed',
            'meta_input' => ['_news_test' => 1],
        ]), true);
        if (is_wp_error($id)) { fwrite(STDERR, 'insert failed: ' . $id->get_error_message() . "\n"); exit(1); }
        $out['posts'][] = ['id' => $id, 'url' => get_permalink($id)];
    }
    wp_defer_term_counting(false);
    wp_set_current_user(0);
}

echo json_encode($out, JSON_UNESCAPED_SLASHES), "\n";
